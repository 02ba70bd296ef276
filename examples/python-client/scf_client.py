"""A getCloudFunctionList client using only Python's standard library.

A WeChat failure (errcode != 0 in an HTTP 200 body) raises WechatApiError; anything that is
not a WeChat answer (an HTTP error, broken JSON, no answer in time) raises TransportError.
"""

import json
import urllib.error
import urllib.parse
import urllib.request


class WechatApiError(Exception):
    def __init__(self, errcode, errmsg):
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class TransportError(Exception):
    pass


class ScfClient:
    def __init__(self, access_token, base_url="https://api.weixin.qq.com", timeout_s=10.0):
        self.access_token = access_token
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def get_cloud_function_list(self, env, offset=None, limit=None, searchkey=None):
        body = {"env": env}
        if offset is not None:
            body["offset"] = offset
        if limit is not None:
            body["limit"] = limit
        if searchkey is not None:
            body["searchkey"] = searchkey
        query = urllib.parse.urlencode({"access_token": self.access_token})
        request = urllib.request.Request(
            f"{self.base_url}/componenttcb/getscflist?{query}",
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            raise TransportError(f"HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise TransportError(f"request failed: {error}") from error
        try:
            answer = json.loads(text)
        except ValueError as error:
            raise TransportError(f"the answer is not JSON: {text[:80]!r}") from error
        errcode = answer.get("errcode") if isinstance(answer, dict) else None
        if not isinstance(errcode, int) or isinstance(errcode, bool):
            raise TransportError("the answer has no numeric errcode")
        if errcode != 0:
            raise WechatApiError(errcode, answer.get("errmsg", ""))
        return answer
