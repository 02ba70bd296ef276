#!/usr/bin/env python3
"""getscflist client with an explicit, keyword-only Python API."""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class WeChatError(Exception):
    def __init__(self, errcode, errmsg):
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg


class CloudBase:
    def __init__(self, *, base_url, token, timeout_ms):
        self.url = base_url.rstrip("/") + "/componenttcb/getscflist?" + urllib.parse.urlencode({"access_token": token})
        self.timeout = timeout_ms / 1000

    def list_functions(self, *, env, offset=None, limit=None):
        body = {"env": env}
        if offset is not None:
            body["offset"] = offset
        if limit is not None:
            body["limit"] = limit
        req = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            data = json.loads(r.read())
        if not isinstance(data, dict):
            raise ValueError("not an object")
        if data.get("errcode", 0) != 0:
            raise WeChatError(data["errcode"], data.get("errmsg"))
        return data


if __name__ == "__main__":
    p = json.load(sys.stdin)
    cb = CloudBase(base_url=os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
                   token=os.environ.get("WECHAT_ACCESS_TOKEN", ""),
                   timeout_ms=int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")))
    try:
        out = {"result": cb.list_functions(env=p.get("env"), offset=p.get("offset"), limit=p.get("limit"))}
    except WeChatError as e:
        out = {"errcode": e.errcode, "errmsg": e.errmsg}
    except urllib.error.HTTPError as e:
        out = {"error": "HTTP %d" % e.code}
    except ValueError:
        out = {"error": "invalid JSON"}
    except Exception as e:
        out = {"error": "transport: %s" % e}
    print(json.dumps(out))
