#!/usr/bin/env python3
"""getscflist client; field names follow the Tencent Cloud SCF ListFunctions API (searchKey)."""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

FIELD_MAP = {"env": "env", "offset": "offset", "limit": "limit", "searchkey": "searchKey"}


def request_body(params):
    return {FIELD_MAP[k]: v for k, v in params.items() if k in FIELD_MAP}


def call(params):
    base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/")
    qs = urllib.parse.urlencode({"access_token": os.environ.get("WECHAT_ACCESS_TOKEN", "")})
    req = urllib.request.Request("%s/componenttcb/getscflist?%s" % (base, qs), method="POST",
                                 data=json.dumps(request_body(params)).encode("utf-8"),
                                 headers={"Content-Type": "application/json"})
    try:
        resp = urllib.request.urlopen(req, timeout=int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000)
        raw = resp.read()
        resp.close()
    except urllib.error.HTTPError as e:
        return {"error": "HTTP %s" % e.code}
    except Exception as e:
        return {"error": "transport: %s" % e}
    try:
        data = json.loads(raw)
    except ValueError:
        return {"error": "invalid JSON"}
    if not isinstance(data, dict):
        return {"error": "invalid JSON"}
    if data.get("errcode", 0):
        return {"errcode": data["errcode"], "errmsg": data.get("errmsg")}
    return {"result": data}


if __name__ == "__main__":
    print(json.dumps(call(json.load(sys.stdin))))
