#!/usr/bin/env python3
"""getscflist client; configuration read into a small Config object."""
import json
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Config:
    base_url: str
    access_token: str
    timeout: float  # seconds, as urllib wants

    @classmethod
    def from_env(cls):
        return cls(base_url=os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/"),
                   access_token=os.environ.get("WECHAT_ACCESS_TOKEN", ""),
                   timeout=float(os.environ.get("WECHAT_TIMEOUT_MS", "10")))


def list_functions(cfg, params):
    url = cfg.base_url + "/componenttcb/getscflist?" + urllib.parse.urlencode({"access_token": cfg.access_token})
    payload = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params}
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=cfg.timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as e:
        return {"error": "HTTP %d" % e.code}
    except (urllib.error.URLError, socket.timeout, OSError) as e:
        return {"error": "request failed: %s" % e}
    except Exception as e:
        return {"error": "request failed: %r" % e}
    try:
        data = json.loads(raw)
    except ValueError:
        return {"error": "response is not JSON"}
    if not isinstance(data, dict):
        return {"error": "response is not an object"}
    if data.get("errcode", 0) != 0:
        return {"errcode": data["errcode"], "errmsg": data.get("errmsg", "")}
    return {"result": data}


if __name__ == "__main__":
    print(json.dumps(list_functions(Config.from_env(), json.load(sys.stdin))))
