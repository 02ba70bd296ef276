#!/usr/bin/env python3
"""getCloudFunctionList (componenttcb/getscflist) with urllib and plain dicts."""
import http.client
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

FIELDS = ("env", "offset", "limit", "searchkey")


class WeChatError(Exception):
    def __init__(self, errcode, errmsg):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class TransportError(Exception):
    pass


def get_cloud_function_list(base_url, token, timeout_ms, params):
    url = "%s/componenttcb/getscflist?access_token=%s" % (
        base_url.rstrip("/"), urllib.parse.quote(token, safe=""))
    body = {k: params[k] for k in FIELDS if k in params}
    req = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_ms / 1000.0) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        raise TransportError("HTTP %s" % e.code)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        raise TransportError("request failed: %s" % e)
    if status != 200:
        raise TransportError("HTTP %s" % status)
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise TransportError("response is not JSON")
    if not isinstance(data, dict):
        raise TransportError("response is not a JSON object")
    errcode = data.get("errcode", 0)
    if errcode != 0:
        raise WeChatError(errcode, data.get("errmsg", ""))
    return data


def main():
    params = json.load(sys.stdin)
    base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")
    token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
    timeout_ms = float(os.environ.get("WECHAT_TIMEOUT_MS", "10000"))
    try:
        out = {"result": get_cloud_function_list(base, token, timeout_ms, params)}
    except WeChatError as e:
        out = {"errcode": e.errcode, "errmsg": e.errmsg}
    except TransportError as e:
        out = {"error": str(e)}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
