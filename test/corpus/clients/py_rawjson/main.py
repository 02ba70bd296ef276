#!/usr/bin/env python3
"""Minimal getscflist client on http.client. WeChat always answers JSON."""
import http.client
import json
import os
import sys
from urllib.parse import quote, urlsplit

params = json.load(sys.stdin)
u = urlsplit(os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"))
token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
timeout = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000

Conn = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
conn = Conn(u.netloc, timeout=timeout)
body = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params}
try:
    conn.request("POST", u.path.rstrip("/") + "/componenttcb/getscflist?access_token=" + quote(token, safe=""),
                 json.dumps(body), {"Content-Type": "application/json"})
    raw = conn.getresponse().read()
except (OSError, http.client.HTTPException) as e:
    print(json.dumps({"error": "network failure: %r" % e}))
    sys.exit(0)

data = json.loads(raw)
if data.get("errcode", 0) != 0:
    print(json.dumps({"errcode": data["errcode"], "errmsg": data["errmsg"]}))
else:
    print(json.dumps({"result": data}))
