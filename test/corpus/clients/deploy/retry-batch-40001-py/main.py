#!/usr/bin/env python3
# deploy one cloud function (create / update_code / delete) and wait until every env has settled.
# Status is read from the full function list of each env (every page), matching the name exactly.
import json, os, sys, time, urllib.parse, urllib.request

BASE = os.environ["WECHAT_API_BASE_URL"].rstrip("/")
TOKEN = os.environ["WECHAT_ACCESS_TOKEN"]
HTTP_TIMEOUT = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000
INTERVAL = int(os.environ.get("WECHAT_POLL_INTERVAL_MS", "1000")) / 1000
BUDGET = int(os.environ.get("WECHAT_DEPLOY_TIMEOUT_MS", "60000")) / 1000


class Stop(Exception):
    """Carries the document to print."""


def api(name, body):
    url = BASE + "/componenttcb/" + name + "?" + urllib.parse.urlencode({"access_token": TOKEN})
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as r:
            raw = r.read()
    except Exception as e:
        raise Stop({"error": "%s: %s" % (name, e)})
    try:
        doc = json.loads(raw)
    except ValueError:
        raise Stop({"error": "%s: not JSON" % name})
    if not isinstance(doc, dict):
        raise Stop({"error": "%s: not a JSON object" % name})
    if doc.get("errcode", 0) != 0:
        raise Stop({"errcode": doc["errcode"], "errmsg": doc.get("errmsg", "")})
    return doc


def batch(name, body):
    # the platform token is refreshed by another worker; a 40001/42001 usually heals in a moment
    for attempt in range(3):
        try:
            return api(name, body)
        except Stop as s:
            if s.args[0].get("errcode") not in (40001, 42001) or attempt == 2:
                raise
            time.sleep(0.5)


def listing(env):
    fns, offset = [], 0
    while True:
        page = api("getscflist", {"env": env, "offset": offset, "limit": 100})
        got = page.get("functions") or []
        fns += got
        offset += len(got)
        if not got or offset >= page.get("total_count", 0):
            return fns


def settled(action, fn):
    if action == "delete":
        if fn is None:
            return {"status": "Deleted"}
        return {"status": "DeleteFailed", "status_reason": fn["status_reason"]} if fn["status"] == "DeleteFailed" else None
    if fn is None or fn["status"] not in ("Active", "CreateFailed", "UpdateFailed"):
        return None
    if fn["status"] == "Active":
        return {"status": "Active"}
    return {"status": fn["status"], "status_reason": fn["status_reason"]}


def run(req):
    action, name = req["action"], req["name"]
    out = {}
    if action == "create":
        envs = req["envs"]
        r = batch("batchuploadscf", {"functionname": name, "envs": envs, "zipfile": req["zipfile"]})
        for f in r.get("fail_env_list") or []:
            out[f["env"]] = {"failed": f["errmsg"]}
    elif action == "update_code":
        envs = req["envs"]
        r = batch("batchuploadscfcode", {"functionname": name, "envs": envs, "zipfile": req["zipfile"]})
        for f in r.get("fail_list") or []:
            out[f["env"]] = {"failed": f["errormsg"]}
    elif action == "delete":
        envs = [req["env"]]
        batch("deletescf", {"functionname": name, "env": req["env"]})
    else:
        raise Stop({"error": "unknown action %r" % action})
    waiting = [e for e in envs if e not in out]
    give_up = time.time() + BUDGET
    while waiting:
        for env in list(waiting):
            fn = next((f for f in listing(env) if f.get("name") == name), None)
            res = settled(action, fn)
            if res:
                out[env] = res
                waiting.remove(env)
        if waiting:
            if time.time() + INTERVAL > give_up:
                raise Stop({"error": "gave up after %d ms: %s not settled" % (BUDGET * 1000, ", ".join(waiting))})
            time.sleep(INTERVAL)
    return out


try:
    doc = {"result": run(json.loads(sys.stdin.read()))}
except Stop as s:
    doc = s.args[0]
except (KeyError, ValueError, TypeError) as e:
    doc = {"error": "bad input: %r" % e}
print(json.dumps(doc, ensure_ascii=False))
