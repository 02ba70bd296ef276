#!/usr/bin/env python3
"""getscflist for a third-party platform that gets its own component_access_token.

With WECHAT_ACCESS_TOKEN set, that token is used as is. Otherwise the token comes from
api_component_token (WECHAT_COMPONENT_APPID / _APPSECRET / _VERIFY_TICKET), is kept in a
file per appid under the temp folder (TMPDIR) until shortly before it expires, and on
40001 / 40014 / 42001 one new token is fetched, stored, and the call retried once.
"""
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

TOKEN_PATH = "/cgi-bin/component/api_component_token"
LIST_PATH = "/componenttcb/getscflist"
STALE_TOKEN_CODES = (40001, 40014, 42001)
EARLY_REFRESH_S = 300


class Transport(Exception):
    pass


class WeChat(Exception):
    def __init__(self, errcode, errmsg):
        Exception.__init__(self, "%s %s" % (errcode, errmsg))
        self.errcode, self.errmsg = errcode, errmsg


def post_json(url, body, timeout_s):
    req = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as e:
        raise Transport("HTTP %d" % e.code)
    except Exception as e:
        raise Transport("request failed: %s" % e)
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise Transport("answer is not JSON")
    if not isinstance(data, dict):
        raise Transport("answer is not a JSON object")
    if data.get("errcode", 0) != 0:
        raise WeChat(data["errcode"], data.get("errmsg", ""))
    return data


class ComponentToken(object):
    def __init__(self, base, appid, secret, ticket, timeout_s):
        self.base, self.appid, self.secret, self.ticket = base, appid, secret, ticket
        self.timeout_s = timeout_s
        folder = os.path.join(tempfile.gettempdir(), "wx-component-token")
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, urllib.parse.quote(appid, safe="") + ".json")

    def _load(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                entry = json.load(f)
            if entry["expires_at"] - EARLY_REFRESH_S > time.time():
                return entry["token"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def _store(self, token, expires_in):
        tmp = self.path + ".%d.tmp" % os.getpid()
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"token": token, "expires_at": time.time() + expires_in}, f)
        os.replace(tmp, self.path)

    def get(self, fresh=False):
        if not fresh:
            token = self._load()
            if token:
                return token
        data = post_json(self.base + TOKEN_PATH, {
            "component_appid": self.appid,
            "component_appsecret": self.secret,
            "component_verify_ticket": self.ticket,
        }, self.timeout_s)
        token = data.get("component_access_token")
        if not isinstance(token, str) or not token:
            raise Transport("api_component_token answered without a token")
        self._store(token, int(data.get("expires_in") or 7200))
        return token


def list_functions(base, token, params, timeout_s):
    body = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if params.get(k) is not None}
    url = base + LIST_PATH + "?access_token=" + urllib.parse.quote(token, safe="")
    return post_json(url, body, timeout_s)


def run(params):
    base = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com").rstrip("/")
    timeout_s = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000.0
    given = os.environ.get("WECHAT_ACCESS_TOKEN")
    if given:
        return list_functions(base, given, params, timeout_s)
    tokens = ComponentToken(base, os.environ.get("WECHAT_COMPONENT_APPID", ""),
                            os.environ.get("WECHAT_COMPONENT_APPSECRET", ""),
                            os.environ.get("WECHAT_COMPONENT_VERIFY_TICKET", ""), timeout_s)
    try:
        return list_functions(base, tokens.get(), params, timeout_s)
    except WeChat as e:
        if e.errcode not in STALE_TOKEN_CODES:
            raise
    return list_functions(base, tokens.get(fresh=True), params, timeout_s)


def main():
    try:
        out = {"result": run(json.load(sys.stdin))}
    except WeChat as e:
        out = {"errcode": e.errcode, "errmsg": e.errmsg}
    except Transport as e:
        out = {"error": str(e)}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
