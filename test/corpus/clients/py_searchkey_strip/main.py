#!/usr/bin/env python3
"""List an env's cloud functions (componenttcb/getscflist).

Reads the call on stdin, prints {"result"|"errcode"/"errmsg"|"error"} on stdout.
"""
import json
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request


def build_body(params):
    body = {"env": params["env"]} if "env" in params else {}
    for key in ("offset", "limit"):
        if params.get(key) is not None:
            body[key] = params[key]
    search = params.get("searchkey")
    if search is not None:
        # people paste names from the console with stray blanks around them
        body["searchkey"] = search.strip()
    return body


def call(params):
    base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/")
    token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
    timeout = int(os.environ.get("WECHAT_TIMEOUT_MS", "5000")) / 1000
    url = base + "/componenttcb/getscflist?" + urllib.parse.urlencode({"access_token": token})
    data = json.dumps(build_body(params), ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        return {"error": "HTTP %d from WeChat" % exc.code}
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
        return {"error": "request failed: %s" % (getattr(exc, "reason", None) or exc)}
    try:
        answer = json.loads(raw)
    except ValueError:
        return {"error": "answer is not JSON"}
    if not isinstance(answer, dict):
        return {"error": "answer is not a JSON object"}
    if answer.get("errcode", 0) != 0:
        return {"errcode": answer["errcode"], "errmsg": answer.get("errmsg", "")}
    return {"result": answer}


if __name__ == "__main__":
    print(json.dumps(call(json.load(sys.stdin)), ensure_ascii=False))
