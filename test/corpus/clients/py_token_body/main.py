#!/usr/bin/env python3
"""getscflist: all call parameters go in one JSON payload (credentials included)."""
import json
import os
import sys
import urllib.error
import urllib.request


def post(url, payload, timeout):
    req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


def main():
    params = json.load(sys.stdin)
    payload = {"access_token": os.environ.get("WECHAT_ACCESS_TOKEN", "")}
    payload.update({k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params})
    url = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/") + "/componenttcb/getscflist"
    try:
        raw = post(url, payload, int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000)
    except urllib.error.HTTPError as e:
        return {"error": "server answered HTTP %d" % e.code}
    except Exception as e:
        return {"error": "could not reach server: %s" % e}
    try:
        data = json.loads(raw)
    except ValueError:
        return {"error": "malformed JSON from server"}
    if not isinstance(data, dict):
        return {"error": "malformed JSON from server"}
    if data.get("errcode", 0) != 0:
        return {"errcode": data["errcode"], "errmsg": data.get("errmsg")}
    return {"result": data}


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
