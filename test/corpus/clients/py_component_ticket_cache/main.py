#!/usr/bin/env python3
# getscflist for our open-platform account, one call per run.
#
# Everything the platform needs lives in one state file per appid under $TMPDIR/wechat-open/:
# the component_verify_ticket and the component_access_token with its expiry. WeChat pushes
# the ticket to our callback, which writes it there; WECHAT_COMPONENT_VERIFY_TICKET only seeds
# the file on a fresh machine (the "component_verify_ticket does not exist in cache" problem).
import json
import os
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote

BASE = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/")
TIMEOUT = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000
APPID = os.environ.get("WECHAT_COMPONENT_APPID", "")
SECRET = os.environ.get("WECHAT_COMPONENT_APPSECRET", "")
STATE_DIR = os.path.join(os.environ.get("TMPDIR", "/tmp"), "wechat-open")
STATE_FILE = os.path.join(STATE_DIR, quote(APPID, safe="") + ".json")


class Failure(Exception):
    """out: the JSON document to print"""

    def __init__(self, out):
        Exception.__init__(self, json.dumps(out))
        self.out = out


def post(url, payload):
    req = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
            raw = r.read()
    except urllib.error.HTTPError as e:
        raise Failure({"error": "HTTP %s" % e.code})
    except Exception as e:
        raise Failure({"error": "network: %s" % e})
    try:
        doc = json.loads(raw)
    except ValueError:
        raise Failure({"error": "not JSON"})
    if not isinstance(doc, dict):
        raise Failure({"error": "not a JSON object"})
    if doc.get("errcode", 0) != 0:
        raise Failure({"errcode": doc["errcode"], "errmsg": doc.get("errmsg", "")})
    return doc


def load_state():
    try:
        with open(STATE_FILE) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_state(state):
    os.makedirs(STATE_DIR, exist_ok=True)
    with open(STATE_FILE + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(STATE_FILE + ".tmp", STATE_FILE)


def new_token(state):
    if not state.get("ticket"):
        state["ticket"] = os.environ.get("WECHAT_COMPONENT_VERIFY_TICKET", "")
    doc = post(BASE + "/cgi-bin/component/api_component_token", {
        "component_appid": APPID,
        "component_appsecret": SECRET,
        "component_verify_ticket": state["ticket"],
    })
    if not doc.get("component_access_token"):
        raise Failure({"error": "no component_access_token in answer"})
    state["token"] = doc["component_access_token"]
    state["expires_at"] = time.time() + int(doc.get("expires_in", 7200)) - 600
    save_state(state)
    return state["token"]


def scf_list(token, params):
    body = dict((k, params[k]) for k in ("env", "offset", "limit", "searchkey") if params.get(k) is not None)
    return post(BASE + "/componenttcb/getscflist?access_token=" + quote(token, safe=""), body)


def main(params):
    if os.environ.get("WECHAT_ACCESS_TOKEN"):
        return scf_list(os.environ["WECHAT_ACCESS_TOKEN"], params)
    state = load_state()
    token = state.get("token") if state.get("expires_at", 0) > time.time() else None
    if not token:
        token = new_token(state)
    try:
        return scf_list(token, params)
    except Failure as f:
        if f.out.get("errcode") not in (40001, 40014, 42001):
            raise
    return scf_list(new_token(state), params)


if __name__ == "__main__":
    try:
        result = {"result": main(json.load(sys.stdin))}
    except Failure as f:
        result = f.out
    print(json.dumps(result, ensure_ascii=False))
