#!/usr/bin/env python3
"""getscflist client with a 'serve stale on error' fallback cache kept in $TMPDIR,
so a dashboard keeps showing the last known list when WeChat hiccups."""
import hashlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

FALLBACK_CODES = {-1, -1000, 45009, 45011}
CACHE_DIR = os.path.join(tempfile.gettempdir(), "scflist-stale-cache")


class Unavailable(Exception):
    pass


def _cache_path(token, body):
    key = json.dumps([token, body], sort_keys=True)
    return os.path.join(CACHE_DIR, hashlib.sha256(key.encode()).hexdigest() + ".json")


def _load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _store(path, data):
    os.makedirs(CACHE_DIR, exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f)


def fetch(base, token, timeout_ms, body):
    url = "%s/componenttcb/getscflist?access_token=%s" % (base.rstrip("/"), urllib.parse.quote(token, safe=""))
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_ms / 1000) as r:
            data = json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise Unavailable("HTTP %d" % e.code)
    except ValueError:
        raise Unavailable("response is not JSON")
    except Exception as e:
        raise Unavailable("transport: %s" % e)
    if not isinstance(data, dict):
        raise Unavailable("response is not an object")
    return data


def main():
    params = json.load(sys.stdin)
    base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")
    token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
    body = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params}
    path = _cache_path(token, body)
    try:
        data = fetch(base, token, float(os.environ.get("WECHAT_TIMEOUT_MS", "10000")), body)
    except Unavailable as e:
        cached = _load(path)
        return {"result": cached} if cached is not None else {"error": str(e)}
    code = data.get("errcode", 0)
    if code == 0:
        _store(path, data)
        return {"result": data}
    if code in FALLBACK_CODES:
        cached = _load(path)
        if cached is not None:
            return {"result": cached}
    return {"errcode": code, "errmsg": data.get("errmsg")}


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
