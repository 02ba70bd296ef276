#!/usr/bin/env python3
"""Port of a Gson-based Java SDK call: request bean serialized with serializeNulls(),
body posted as a raw JSON string without a Content-Type header (like HttpURLConnection code)."""
import http.client
import json
import os
import sys
from urllib.parse import quote, urlsplit


class GetScfListRequest:
    """Bean: every field is always serialized, absent ones as null."""

    def __init__(self, env, offset=None, limit=None, searchkey=None):
        self.env, self.offset, self.limit, self.searchkey = env, offset, limit, searchkey

    def to_json(self):
        return json.dumps({"env": self.env, "offset": self.offset, "limit": self.limit,
                           "searchkey": self.searchkey}, ensure_ascii=False)


class WxErrorException(Exception):
    def __init__(self, error_code, error_msg):
        super().__init__("%s %s" % (error_code, error_msg))
        self.error_code, self.error_msg = error_code, error_msg


class TcbService:
    def __init__(self, api_base, access_token, timeout_millis):
        self.api_base, self.access_token, self.timeout_millis = api_base, access_token, timeout_millis

    def get_scf_list(self, request):
        u = urlsplit(self.api_base)
        conn_cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(u.hostname, u.port, timeout=self.timeout_millis / 1000.0)
        path = u.path.rstrip("/") + "/componenttcb/getscflist?access_token=" + quote(self.access_token, safe="")
        try:
            conn.request("POST", path, body=request.to_json().encode("utf-8"))
            resp = conn.getresponse()
            status, raw = resp.status, resp.read()
        except (OSError, http.client.HTTPException) as e:
            raise IOError("http call failed: %r" % e)
        finally:
            conn.close()
        if status != 200:
            raise IOError("http status %d" % status)
        try:
            json_obj = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise IOError("response is not JSON")
        if not isinstance(json_obj, dict):
            raise IOError("response is not a JSON object")
        if json_obj.get("errcode", 0) != 0:
            raise WxErrorException(json_obj["errcode"], json_obj.get("errmsg"))
        return json_obj


def main():
    args = json.loads(sys.stdin.read())
    service = TcbService(os.getenv("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
                         os.getenv("WECHAT_ACCESS_TOKEN", ""), int(os.getenv("WECHAT_TIMEOUT_MS", "10000")))
    req = GetScfListRequest(args.get("env"), args.get("offset"), args.get("limit"), args.get("searchkey"))
    try:
        print(json.dumps({"result": service.get_scf_list(req)}, ensure_ascii=False))
    except WxErrorException as e:
        print(json.dumps({"errcode": e.error_code, "errmsg": e.error_msg}, ensure_ascii=False))
    except IOError as e:
        print(json.dumps({"error": str(e)}))


if __name__ == "__main__":
    main()
