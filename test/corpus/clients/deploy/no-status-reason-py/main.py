#!/usr/bin/env python3
# Deploy a cloud function (create / update_code / delete) via componenttcb and wait for the result per env.
import json, os, sys, time, urllib.error, urllib.parse, urllib.request

env = os.environ
base = env["WECHAT_API_BASE_URL"].rstrip("/")
token = env["WECHAT_ACCESS_TOKEN"]
http_timeout = int(env.get("WECHAT_TIMEOUT_MS") or 10000) / 1e3
interval = int(env.get("WECHAT_POLL_INTERVAL_MS") or 1000) / 1e3
deploy_timeout = int(env.get("WECHAT_DEPLOY_TIMEOUT_MS") or 60000) / 1e3


class WxErr(Exception): pass
class NetErr(Exception): pass


def tcb(path, body):
    q = urllib.parse.urlencode({"access_token": token})
    rq = urllib.request.Request("%s/componenttcb/%s?%s" % (base, path, q), json.dumps(body).encode(),
                                {"Content-Type": "application/json"})
    try:
        raw = urllib.request.urlopen(rq, timeout=http_timeout).read()
        d = json.loads(raw)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise NetErr("%s: %s" % (path, e))
    if not isinstance(d, dict):
        raise NetErr("%s: unexpected answer" % path)
    if d.get("errcode"):
        raise WxErr(d["errcode"], d.get("errmsg", ""))
    return d


def status_of(e, name):
    off = 0
    while True:
        d = tcb("getscflist", {"env": e, "searchkey": name, "offset": off, "limit": 20})
        fs = d.get("functions") or []
        for f in fs:
            if f["name"] == name:
                return f
        off += len(fs)
        if not fs or off >= d.get("total_count", 0):
            return None


def poll(action, name, envs):
    res, left, stop_at = {}, list(envs), time.time() + deploy_timeout
    while left:
        for e in list(left):
            f = status_of(e, name)
            st = (f or {}).get("status")
            if action == "delete" and f is None:
                res[e] = {"status": "Deleted"}
            elif action != "delete" and st == "Active":
                res[e] = {"status": "Active"}
            elif st in ("CreateFailed", "UpdateFailed", "DeleteFailed"):
                print("%s failed in %s: %s" % (name, e, f.get("status_reason")), file=sys.stderr)
                res[e] = {"status": st}
            else:
                continue
            left.remove(e)
        if left:
            if time.time() + interval > stop_at:
                raise NetErr("deploy timeout, still waiting for %s" % left)
            time.sleep(interval)
    return res


def main(j):
    a, name = j["action"], j["name"]
    if a == "delete":
        tcb("deletescf", {"functionname": name, "env": j["env"]})
        return poll(a, name, [j["env"]])
    d = tcb("batchuploadscf" if a == "create" else "batchuploadscfcode",
            {"functionname": name, "envs": j["envs"], "zipfile": j["zipfile"]})
    failed = {x["env"]: {"failed": x["errmsg"]} for x in d.get("fail_env_list") or []}
    failed.update({x["env"]: {"failed": x["errormsg"]} for x in d.get("fail_list") or []})
    out = poll(a, name, [e for e in j["envs"] if e not in failed])
    out.update(failed)
    return out


try:
    doc = {"result": main(json.loads(sys.stdin.read()))}
except WxErr as e:
    doc = {"errcode": e.args[0], "errmsg": e.args[1]}
except NetErr as e:
    doc = {"error": str(e)}
print(json.dumps(doc, ensure_ascii=False))
