#!/usr/bin/env python3
# getscflist over http.client. The search is case-insensitive on WeChat's side,
# so the key is normalised to lower case (it also makes our logs greppable).
import http.client
import json
import os
import sys
from urllib.parse import quote, urlsplit


def main():
    params = json.loads(sys.stdin.read() or "{}")
    base = urlsplit(os.environ.get("WECHAT_API_BASE_URL") or "https://api.weixin.qq.com")
    token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
    timeout_s = float(os.environ.get("WECHAT_TIMEOUT_MS") or 10000) / 1000.0

    payload = {k: v for k, v in params.items() if k in ("env", "offset", "limit") and v is not None}
    if params.get("searchkey") is not None:
        payload["searchkey"] = params["searchkey"].lower()

    conn_cls = http.client.HTTPSConnection if base.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(base.hostname, base.port, timeout=timeout_s)
    path = base.path.rstrip("/") + "/componenttcb/getscflist?access_token=" + quote(token, safe="")
    try:
        conn.request("POST", path, body=json.dumps(payload).encode(),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        status, raw = resp.status, resp.read()
    except (OSError, http.client.HTTPException) as exc:
        return {"error": "%s: %s" % (type(exc).__name__, exc)}
    finally:
        conn.close()

    if status != 200:
        return {"error": "HTTP status %d" % status}
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {"error": "body is not JSON"}
    if not isinstance(doc, dict):
        return {"error": "body is not a JSON object"}
    code = doc.get("errcode", 0)
    if code:
        return {"errcode": code, "errmsg": doc.get("errmsg")}
    return {"result": doc}


sys.stdout.write(json.dumps(main()) + "\n")
