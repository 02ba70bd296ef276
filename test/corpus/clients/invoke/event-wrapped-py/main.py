#!/usr/bin/env python3
"""Run a cloud function for an authorizer: python3 main.py < {"env","name","event"}"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CFG = {k: os.environ.get("WECHAT_" + k) for k in (
    "API_BASE_URL", "TIMEOUT_MS", "COMPONENT_APPID", "COMPONENT_ACCESS_TOKEN",
    "AUTHORIZER_APPID", "AUTHORIZER_REFRESH_TOKEN")}


class ApiFailure(Exception):
    pass


def http_post(path, params, payload):
    url = CFG["API_BASE_URL"].rstrip("/") + path + "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, json.dumps(payload).encode("utf-8"),
                                 {"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=int(CFG["TIMEOUT_MS"] or 5000) / 1000) as r:
            body = r.read()
    except (urllib.error.URLError, OSError) as e:
        raise ApiFailure({"error": "%s failed: %s" % (path, e)})
    try:
        return json.loads(body)
    except ValueError:
        raise ApiFailure({"error": "%s: not JSON" % path})


def token_path():
    return Path(os.environ.get("TMPDIR", "/tmp")) / ("wx_authorizer_%s.token.json" % CFG["AUTHORIZER_APPID"])


def get_token(refresh=False):
    p = token_path()
    if not refresh and p.exists():
        try:
            saved = json.loads(p.read_text())
            if saved["until"] > time.time() and saved["base"] == CFG["API_BASE_URL"]:
                return saved["token"]
        except (ValueError, KeyError):
            pass
    r = http_post("/cgi-bin/component/api_authorizer_token",
                  {"component_access_token": CFG["COMPONENT_ACCESS_TOKEN"]},
                  {"component_appid": CFG["COMPONENT_APPID"], "authorizer_appid": CFG["AUTHORIZER_APPID"],
                   "authorizer_refresh_token": CFG["AUTHORIZER_REFRESH_TOKEN"]})
    if r.get("errcode"):
        raise ApiFailure({"errcode": r["errcode"], "errmsg": r.get("errmsg")})
    life = r.get("expires_in", 7200)
    p.write_text(json.dumps({"token": r["authorizer_access_token"], "until": time.time() + life * 0.9,
                             "base": CFG["API_BASE_URL"]}))
    return r["authorizer_access_token"]


def invoke(env, name, event):
    # the function receives its arguments as `event`
    payload = {"event": event}
    r = http_post("/tcb/invokecloudfunction", {"access_token": get_token(), "env": env, "name": name}, payload)
    if r.get("errcode") in (40001, 40014, 42001):
        r = http_post("/tcb/invokecloudfunction", {"access_token": get_token(refresh=True), "env": env, "name": name},
                      payload)
    if r.get("errcode", 0) != 0:
        raise ApiFailure({"errcode": r["errcode"], "errmsg": r.get("errmsg")})
    return json.loads(r["resp_data"]) if r.get("resp_data") else None


if __name__ == "__main__":
    try:
        args = json.load(sys.stdin)
        result = {"result": invoke(args["env"], args["name"], args.get("event", {}))}
    except ApiFailure as f:
        result = f.args[0]
    except (KeyError, ValueError) as e:
        result = {"error": "bad input: %s" % e}
    print(json.dumps(result, ensure_ascii=False))
