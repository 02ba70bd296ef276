#!/usr/bin/env python3
"""Small SDK-style wrapper. Error messages are cleaned up for our logs."""
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

_RID = re.compile(r"\s*rid:\s*[0-9a-f-]+\s*$")


class WeChatAPIError(Exception):
    def __init__(self, code, msg):
        self.code = code
        self.msg = _RID.sub("", msg or "")  # drop the noisy request id
        super().__init__("[%s] %s" % (code, self.msg))


class NetworkError(Exception):
    pass


class TcbClient:
    API = "/componenttcb/getscflist"

    def __init__(self, base_url, access_token, timeout_ms):
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.timeout = timeout_ms / 1000.0

    def _post(self, path, payload):
        qs = urllib.parse.urlencode({"access_token": self.access_token})
        req = urllib.request.Request("%s%s?%s" % (self.base_url, path, qs), method="POST",
                                     data=json.dumps(payload).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raise NetworkError("http status %d" % e.code)
        except Exception as e:
            raise NetworkError("network: %s" % e)
        try:
            data = json.loads(raw)
        except ValueError:
            raise NetworkError("invalid json")
        if not isinstance(data, dict):
            raise NetworkError("invalid json")
        if data.get("errcode", 0) != 0:
            raise WeChatAPIError(data["errcode"], data.get("errmsg"))
        return data

    def get_cloud_function_list(self, env, offset=None, limit=None, searchkey=None):
        payload = {"env": env}
        for key, value in (("offset", offset), ("limit", limit), ("searchkey", searchkey)):
            if value is not None:
                payload[key] = value
        return self._post(self.API, payload)


def main():
    params = json.load(sys.stdin)
    client = TcbClient(os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
                       os.environ.get("WECHAT_ACCESS_TOKEN", ""),
                       int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")))
    try:
        out = {"result": client.get_cloud_function_list(**params)}
    except WeChatAPIError as e:
        out = {"errcode": e.code, "errmsg": e.msg}
    except NetworkError as e:
        out = {"error": str(e)}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
