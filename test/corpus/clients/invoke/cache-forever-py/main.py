#!/usr/bin/env python3
# Invoke a cloud function as the authorizer. The authorizer token is kept in a file so we don't hit the daily quota.
import json, os, sys, urllib.parse, urllib.request

base = os.environ["WECHAT_API_BASE_URL"].rstrip("/")
timeout = float(os.environ.get("WECHAT_TIMEOUT_MS", 5000)) / 1000
appid = os.environ["WECHAT_AUTHORIZER_APPID"]
token_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), "authorizer-%s.token" % appid)


def post(path, query, payload):
    url = "%s%s?%s" % (base, path, urllib.parse.urlencode(query))
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def authorizer_token():
    if os.path.exists(token_file):
        with open(token_file) as f:
            return f.read().strip()
    r = post("/cgi-bin/component/api_authorizer_token",
             {"component_access_token": os.environ["WECHAT_COMPONENT_ACCESS_TOKEN"]},
             {"component_appid": os.environ["WECHAT_COMPONENT_APPID"], "authorizer_appid": appid,
              "authorizer_refresh_token": os.environ["WECHAT_AUTHORIZER_REFRESH_TOKEN"]})
    if r.get("errcode"):
        return r
    with open(token_file, "w") as f:
        f.write(r["authorizer_access_token"])
    return r["authorizer_access_token"]


def main():
    args = json.loads(sys.stdin.read())
    try:
        tok = authorizer_token()
        if isinstance(tok, dict):
            return {"errcode": tok["errcode"], "errmsg": tok["errmsg"]}
        r = post("/tcb/invokecloudfunction", {"access_token": tok, "env": args["env"], "name": args["name"]},
                 args.get("event", {}))
    except Exception as e:  # network, HTTP status, bad JSON
        return {"error": repr(e)}
    if r.get("errcode"):
        return {"errcode": r["errcode"], "errmsg": r["errmsg"]}
    try:
        return {"result": json.loads(r["resp_data"]) if r.get("resp_data") else None}
    except ValueError:
        return {"error": "resp_data is not JSON"}


print(json.dumps(main(), ensure_ascii=False))
