#!/usr/bin/env python3
"""getscflist client using http.client in a tiny Session-like class."""
import http.client
import json
import os
import sys
from urllib.parse import urlencode, urlsplit


class Session:
    def __init__(self, base_url):
        self.base = urlsplit(base_url)

    def post_json(self, path, query, payload):
        cls = http.client.HTTPSConnection if self.base.scheme == "https" else http.client.HTTPConnection
        conn = cls(self.base.netloc)
        try:
            conn.request("POST", "%s%s?%s" % (self.base.path.rstrip("/"), path, urlencode(query)),
                         body=json.dumps(payload), headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


class CloudFunctions:
    def __init__(self, session, token):
        self.session, self.token = session, token

    def list(self, params):
        payload = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params}
        try:
            status, raw = self.session.post_json("/componenttcb/getscflist", {"access_token": self.token}, payload)
        except (OSError, http.client.HTTPException) as e:
            return {"error": "transport failure: %r" % e}
        if status != 200:
            return {"error": "HTTP %d" % status}
        try:
            data = json.loads(raw)
        except ValueError:
            return {"error": "body is not JSON"}
        if not isinstance(data, dict):
            return {"error": "body is not an object"}
        if data.get("errcode", 0) != 0:
            return {"errcode": data["errcode"], "errmsg": data.get("errmsg")}
        return {"result": data}


if __name__ == "__main__":
    # WECHAT_TIMEOUT_MS: TODO, the API is fast enough
    api = CloudFunctions(Session(os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")),
                         os.environ.get("WECHAT_ACCESS_TOKEN", ""))
    print(json.dumps(api.list(json.load(sys.stdin)), ensure_ascii=False))
