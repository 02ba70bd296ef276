#!/usr/bin/env python3
"""getCloudFunctionList client, one call per run.

The search key is percent-encoded before it goes into the body so that
Chinese names and odd characters survive the trip.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

API = "/componenttcb/getscflist"


class ApiError(Exception):
    pass


class Client(object):
    def __init__(self, base_url, access_token, timeout_ms):
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.timeout = timeout_ms / 1000.0

    def get_cloud_function_list(self, env, offset=None, limit=None, searchkey=None):
        body = {}
        if env is not None:
            body["env"] = env
        if offset is not None:
            body["offset"] = offset
        if limit is not None:
            body["limit"] = limit
        if searchkey is not None:
            body["searchkey"] = urllib.parse.quote(searchkey)
        url = "%s%s?access_token=%s" % (self.base_url, API, urllib.parse.quote(self.access_token, safe=""))
        request = urllib.request.Request(url, json.dumps(body).encode("utf-8"),
                                         {"Content-Type": "application/json"})
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
            text = response.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            raise ApiError("HTTP error %s" % e.code)
        except Exception as e:  # URLError, timeouts, resets
            raise ApiError("network error: %r" % (e,))
        try:
            return json.loads(text)
        except ValueError:
            raise ApiError("invalid JSON in answer")


def run():
    params = json.load(sys.stdin)
    client = Client(os.getenv("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
                    os.getenv("WECHAT_ACCESS_TOKEN", ""),
                    int(os.getenv("WECHAT_TIMEOUT_MS", "10000")))
    try:
        answer = client.get_cloud_function_list(params.get("env"), params.get("offset"),
                                                params.get("limit"), params.get("searchkey"))
    except ApiError as e:
        return {"error": str(e)}
    if not isinstance(answer, dict):
        return {"error": "answer is not an object"}
    if answer.get("errcode", 0) != 0:
        return {"errcode": answer["errcode"], "errmsg": answer.get("errmsg", "")}
    return {"result": answer}


if __name__ == "__main__":
    json.dump(run(), sys.stdout)
    sys.stdout.write("\n")
