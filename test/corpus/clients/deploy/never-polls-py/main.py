#!/usr/bin/env python3
"""CI step: upload a cloud function to the tenant envs. Usage: echo '{"action":...}' | python3 main.py"""
import json
import os
import sys
import urllib.parse
import urllib.request

API = os.environ["WECHAT_API_BASE_URL"].rstrip("/") + "/componenttcb/"
QS = urllib.parse.urlencode({"component_access_token": os.environ["WECHAT_ACCESS_TOKEN"]})
TIMEOUT = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000.0


def post(endpoint, payload):
    req = urllib.request.Request(API + endpoint + "?" + QS, data=json.dumps(payload).encode("utf-8"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        return json.loads(resp.read().decode("utf-8"))


def deploy(job):
    name = job["name"]
    if job["action"] == "delete":
        r = post("deletescf", {"functionname": name, "env": job["env"]})
        if r.get("errcode"):
            return {"errcode": r["errcode"], "errmsg": r["errmsg"]}
        return {"result": {job["env"]: {"status": "Deleted"}}}
    if job["action"] == "create":
        r = post("batchuploadscf", {"functionname": name, "envs": job["envs"], "zipfile": job["zipfile"]})
        fails = {f["env"]: f["errmsg"] for f in r.get("fail_env_list") or []}
    else:
        r = post("batchuploadscfcode", {"functionname": name, "envs": job["envs"], "zipfile": job["zipfile"]})
        fails = {f["env"]: f["errormsg"] for f in r.get("fail_list") or []}
    if r.get("errcode"):
        return {"errcode": r["errcode"], "errmsg": r["errmsg"]}
    # errcode 0 and not in the fail list: the env took the new code
    return {"result": {env: {"failed": fails[env]} if env in fails else {"status": "Active"} for env in job["envs"]}}


try:
    out = deploy(json.load(sys.stdin))
except Exception as e:  # network errors, HTTP errors, bad JSON
    out = {"error": "%s: %s" % (type(e).__name__, e)}
json.dump(out, sys.stdout, ensure_ascii=False)
sys.stdout.write("\n")
