#!/usr/bin/env python3
"""getscflist client. Parameters are normalised to strings the way our CLI passes them."""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class ScfLister:
    def __init__(self):
        self.base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/")
        self.token = os.environ.get("WECHAT_ACCESS_TOKEN", "")
        self.timeout = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000.0

    @staticmethod
    def build_body(params):
        body = {}
        for name in ("env", "offset", "limit", "searchkey"):
            if params.get(name) is not None:
                body[name] = str(params[name])
        return body

    def run(self, params):
        url = "%s/componenttcb/getscflist?%s" % (self.base, urllib.parse.urlencode({"access_token": self.token}))
        req = urllib.request.Request(url, data=json.dumps(self.build_body(params)).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                text = r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return {"error": "HTTP error %d" % e.code}
        except Exception as e:
            return {"error": "transport error: %s" % e}
        try:
            data = json.loads(text)
        except ValueError:
            return {"error": "not JSON"}
        if not isinstance(data, dict):
            return {"error": "not a JSON object"}
        if data.get("errcode", 0) != 0:
            return {"errcode": data["errcode"], "errmsg": data.get("errmsg")}
        return {"result": data}


if __name__ == "__main__":
    print(json.dumps(ScfLister().run(json.loads(sys.stdin.read()))))
