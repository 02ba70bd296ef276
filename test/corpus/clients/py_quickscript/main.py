#!/usr/bin/env python3
# quick script: list cloud functions of an env
import json, os, sys, urllib.request, urllib.error, urllib.parse

params = json.load(sys.stdin)
base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/")
token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
timeout = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000

url = base + "/componenttcb/getscflist?access_token=" + urllib.parse.quote(token)
body = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params}
req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})

try:
    with urllib.request.urlopen(req, timeout=timeout) as r:
        data = json.loads(r.read())
except urllib.error.HTTPError as e:
    print(json.dumps({"error": "HTTP %d" % e.code}))
    sys.exit(0)
except ValueError:
    print(json.dumps({"error": "bad json"}))
    sys.exit(0)
except Exception as e:
    print(json.dumps({"error": str(e)}))
    sys.exit(0)

# HTTP 200 means it worked
print(json.dumps({"result": data}))
