#!/usr/bin/env python3
"""getscflist client with a typed result holder (code/message/data)."""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import NamedTuple, Optional


class Outcome(NamedTuple):
    code: str  # "0" on success, otherwise the WeChat errcode or "NET"
    message: str
    data: Optional[dict] = None

    def to_protocol(self):
        if self.code == "0":
            return {"result": self.data}
        if self.code == "NET":
            return {"error": self.message}
        return {"errcode": self.code, "errmsg": self.message}


def list_cloud_functions(params) -> Outcome:
    base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/")
    token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
    timeout = float(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000
    body = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params}
    req = urllib.request.Request(base + "/componenttcb/getscflist?" + urllib.parse.urlencode({"access_token": token}),
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            payload = json.loads(r.read())
    except urllib.error.HTTPError as e:
        return Outcome("NET", "HTTP %d" % e.code)
    except ValueError:
        return Outcome("NET", "response is not JSON")
    except Exception as e:
        return Outcome("NET", "transport failure: %s" % e)
    if not isinstance(payload, dict):
        return Outcome("NET", "response is not an object")
    return Outcome(str(payload.get("errcode", 0)), payload.get("errmsg", ""), payload)


if __name__ == "__main__":
    print(json.dumps(list_cloud_functions(json.load(sys.stdin)).to_protocol(), ensure_ascii=False))
