#!/usr/bin/env python3
"""getscflist client with a 60 s response cache in $TMPDIR to save API quota."""
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

TTL_SECONDS = 60
CACHE_FILE = os.path.join(tempfile.gettempdir(), "wechat_scflist_cache.json")


class ResponseCache:
    def __init__(self, path):
        self.path = path
        try:
            with open(path) as f:
                self.entries = json.load(f)
        except (OSError, ValueError):
            self.entries = {}

    @staticmethod
    def key(params):
        return json.dumps(params, sort_keys=True)

    def get(self, key):
        e = self.entries.get(key)
        if e and time.time() - e["at"] < TTL_SECONDS:
            return e["data"]
        return None

    def put(self, key, data):
        self.entries[key] = {"at": time.time(), "data": data}
        with open(self.path, "w") as f:
            json.dump(self.entries, f)


def call_api(base, token, timeout_ms, params):
    url = base.rstrip("/") + "/componenttcb/getscflist?" + urllib.parse.urlencode({"access_token": token})
    req = urllib.request.Request(url, data=json.dumps(params).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_ms / 1000) as r:
            data = json.loads(r.read())
    except urllib.error.HTTPError as e:
        return None, {"error": "HTTP %d" % e.code}
    except ValueError:
        return None, {"error": "invalid JSON in response"}
    except Exception as e:
        return None, {"error": "transport failure: %s" % e}
    if not isinstance(data, dict):
        return None, {"error": "invalid response"}
    if data.get("errcode", 0) != 0:
        return None, {"errcode": data["errcode"], "errmsg": data.get("errmsg")}
    return data, None


def main():
    params = {k: v for k, v in json.load(sys.stdin).items() if k in ("env", "offset", "limit", "searchkey")}
    base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")
    token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
    cache = ResponseCache(CACHE_FILE)
    key = ResponseCache.key(params)
    hit = cache.get(key)
    if hit is not None:
        return {"result": hit}
    data, err = call_api(base, token, int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")), params)
    if err:
        return err
    cache.put(key, data)
    return {"result": data}


if __name__ == "__main__":
    print(json.dumps(main()))
