#!/usr/bin/env python3
"""getscflist with a 'resilient' retry decorator (retries any failure)."""
import functools
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    def __init__(self, errcode=None, errmsg=None, text=None):
        super().__init__(text or "%s %s" % (errcode, errmsg))
        self.errcode, self.errmsg = errcode, errmsg


def retry(times=3, delay=0.05):
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a, **kw):
            for i in range(times + 1):
                try:
                    return fn(*a, **kw)
                except ApiError:
                    if i == times:
                        raise
                    time.sleep(delay)
        return wrapper
    return deco


@retry(times=3)
def get_scf_list(base, token, timeout_ms, params):
    url = "%s/componenttcb/getscflist?%s" % (base.rstrip("/"), urllib.parse.urlencode({"access_token": token}))
    body = json.dumps({k: v for k, v in params.items() if k in ("env", "offset", "limit", "searchkey")})
    req = urllib.request.Request(url, data=body.encode(), method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_ms / 1000) as resp:
            data = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise ApiError(text="HTTP %d" % e.code)
    except ValueError:
        raise ApiError(text="invalid JSON")
    except Exception as e:
        raise ApiError(text="transport: %s" % e)
    if not isinstance(data, dict):
        raise ApiError(text="invalid JSON")
    if data.get("errcode", 0) != 0:
        raise ApiError(data["errcode"], data.get("errmsg"))
    return data


if __name__ == "__main__":
    params = json.load(sys.stdin)
    try:
        out = {"result": get_scf_list(os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
                                      os.environ.get("WECHAT_ACCESS_TOKEN", ""),
                                      int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")), params)}
    except ApiError as e:
        out = {"errcode": e.errcode, "errmsg": e.errmsg} if e.errcode is not None else {"error": str(e)}
    print(json.dumps(out))
