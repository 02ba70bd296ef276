#!/usr/bin/env python3
# quick script: run a cloud function of an authorizer mini program, print the result as JSON
import json, os, sys, time, urllib.request, urllib.parse

E = os.environ
BASE = E["WECHAT_API_BASE_URL"].rstrip("/")
TIMEOUT = int(E.get("WECHAT_TIMEOUT_MS", "5000")) / 1000
APPID = E["WECHAT_AUTHORIZER_APPID"]
CACHE_DIR = os.path.join(E.get("TMPDIR") or "/tmp", "wxtok")
CACHE = os.path.join(CACHE_DIR, APPID.replace("/", "_") + ".json")


class Fail(Exception):
    pass


def call(path, qs, body):
    req = urllib.request.Request(BASE + path + "?" + urllib.parse.urlencode(qs),
                                 data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        r = urllib.request.urlopen(req, timeout=TIMEOUT)
        raw = r.read()
    except Exception as e:
        raise Fail({"error": "%s: %s" % (path, e)})
    try:
        j = json.loads(raw)
        assert isinstance(j, dict)
        return j
    except Exception:
        raise Fail({"error": "%s: answer is not a JSON object" % path})


def cached_token():
    try:
        c = json.load(open(CACHE))
        if c["base"] == BASE and c["exp"] > time.time():
            return c["tok"]
    except Exception:
        pass
    return None


def new_token():
    j = call("/cgi-bin/component/api_authorizer_token",
             {"component_access_token": E["WECHAT_COMPONENT_ACCESS_TOKEN"]},
             {"component_appid": E["WECHAT_COMPONENT_APPID"], "authorizer_appid": APPID,
              "authorizer_refresh_token": E["WECHAT_AUTHORIZER_REFRESH_TOKEN"]})
    if j.get("errcode"):
        raise Fail({"errcode": j["errcode"], "errmsg": j.get("errmsg", "")})
    if "authorizer_access_token" not in j:
        raise Fail({"error": "no authorizer_access_token in answer"})
    life = int(j.get("expires_in") or 7200)
    os.makedirs(CACHE_DIR, exist_ok=True)
    with open(CACHE + ".tmp", "w") as f:
        json.dump({"tok": j["authorizer_access_token"], "exp": time.time() + life - min(300, life / 10), "base": BASE}, f)
    os.replace(CACHE + ".tmp", CACHE)
    return j["authorizer_access_token"]


def run(p):
    tok = cached_token() or new_token()
    qs = lambda t: {"access_token": t, "env": p["env"], "name": p["name"]}
    j = call("/tcb/invokecloudfunction", qs(tok), p.get("event", {}))
    if j.get("errcode") in (40001, 40014, 42001):  # token revoked or expired: one fresh token, one retry
        j = call("/tcb/invokecloudfunction", qs(new_token()), p.get("event", {}))
    if j.get("errcode", 0) != 0:
        raise Fail({"errcode": j["errcode"], "errmsg": j.get("errmsg", "")})
    rd = j.get("resp_data")
    if rd in (None, ""):
        return None
    try:
        return json.loads(rd)
    except Exception:
        raise Fail({"error": "resp_data is not valid JSON"})


try:
    p = json.loads(sys.stdin.read() or "{}")
    if not p.get("env") or not p.get("name"):
        raise Fail({"error": "need env and name"})
    out = {"result": run(p)}
except Fail as f:
    out = f.args[0]
print(json.dumps(out, ensure_ascii=False))
