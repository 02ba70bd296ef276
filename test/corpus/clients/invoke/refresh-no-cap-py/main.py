#!/usr/bin/env python3
"""Open-platform helper: invoke a cloud function of an authorizer (ported from our Java SDK wrapper)."""
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request


class TransportError(Exception):
    pass


class WeChatError(Exception):
    def __init__(self, errcode, errmsg):
        super().__init__("%s %s" % (errcode, errmsg))
        self.errcode = errcode
        self.errmsg = errmsg


class AuthorizerTokenStore:
    """Authorizer access tokens cached on disk, one file per authorizer appid."""

    def __init__(self, directory, base_url, component_appid):
        self.directory = directory
        self.base_url = base_url
        self.component_appid = component_appid

    def _path(self, appid):
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", appid)
        return os.path.join(self.directory, "wx-authorizer-token-%s.json" % safe)

    def get(self, appid):
        try:
            with open(self._path(appid), encoding="utf-8") as f:
                entry = json.load(f)
        except (OSError, ValueError):
            return None
        if entry.get("base_url") != self.base_url or entry.get("component_appid") != self.component_appid:
            return None
        if entry.get("expires_at", 0) <= time.time():
            return None
        return entry.get("token")

    def put(self, appid, token, expires_in):
        margin = min(300.0, expires_in * 0.1)
        entry = {"token": token, "expires_at": time.time() + expires_in - margin,
                 "base_url": self.base_url, "component_appid": self.component_appid}
        path = self._path(appid)
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(entry, f)
        os.replace(tmp, path)

    def drop(self, appid):
        try:
            os.remove(self._path(appid))
        except OSError:
            pass


class CloudFunctionClient:
    TOKEN_REFUSED = (40001, 40014, 42001)

    def __init__(self, base_url, component_appid, component_access_token, authorizer_appid,
                 authorizer_refresh_token, timeout_ms=5000, cache_dir=None):
        self.base_url = base_url.rstrip("/")
        self.component_appid = component_appid
        self.component_access_token = component_access_token
        self.appid = authorizer_appid
        self.refresh_token = authorizer_refresh_token
        self.timeout = timeout_ms / 1000.0
        self.store = AuthorizerTokenStore(cache_dir or tempfile.gettempdir(), self.base_url, component_appid)

    def _post(self, path, query, body):
        url = "%s%s?%s" % (self.base_url, path, urllib.parse.urlencode(query))
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raise TransportError("HTTP %d from %s" % (e.code, path))
        except Exception as e:  # URLError, timeout, connection reset
            raise TransportError("request to %s failed: %s" % (path, e))
        try:
            doc = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise TransportError("response of %s is not JSON" % path)
        if not isinstance(doc, dict):
            raise TransportError("response of %s is not a JSON object" % path)
        return doc

    def authorizer_token(self, force=False):
        if not force:
            cached = self.store.get(self.appid)
            if cached:
                return cached
        doc = self._post("/cgi-bin/component/api_authorizer_token",
                         {"component_access_token": self.component_access_token},
                         {"component_appid": self.component_appid,
                          "authorizer_appid": self.appid,
                          "authorizer_refresh_token": self.refresh_token})
        if doc.get("errcode", 0) != 0:
            raise WeChatError(doc["errcode"], doc.get("errmsg", ""))
        token = doc.get("authorizer_access_token")
        if not token:
            raise TransportError("api_authorizer_token answered without authorizer_access_token")
        self.store.put(self.appid, token, float(doc.get("expires_in") or 7200))
        return token

    def invoke_cloud_function(self, env, name, event):
        if True:
            token = self.authorizer_token()
            doc = self._post("/tcb/invokecloudfunction",
                             {"access_token": token, "env": env, "name": name}, event)
            code = doc.get("errcode", 0)
            if code in self.TOKEN_REFUSED:
                # token expired or revoked: forget it and try again with a new one
                self.store.drop(self.appid)
                return self.invoke_cloud_function(env, name, event)
            if code != 0:
                raise WeChatError(code, doc.get("errmsg", ""))
            resp_data = doc.get("resp_data")
            if resp_data is None or resp_data == "":
                return None
            try:
                return json.loads(resp_data)
            except (TypeError, ValueError):
                raise TransportError("resp_data is not JSON")


def main():
    try:
        params = json.loads(sys.stdin.read() or "{}")
        env, name = params.get("env"), params.get("name")
        if not env or not name:
            raise TransportError("env and name are required")
        client = CloudFunctionClient(
            os.environ["WECHAT_API_BASE_URL"],
            os.environ["WECHAT_COMPONENT_APPID"],
            os.environ["WECHAT_COMPONENT_ACCESS_TOKEN"],
            os.environ["WECHAT_AUTHORIZER_APPID"],
            os.environ["WECHAT_AUTHORIZER_REFRESH_TOKEN"],
            timeout_ms=int(os.environ.get("WECHAT_TIMEOUT_MS") or 5000))
        out = {"result": client.invoke_cloud_function(env, name, params.get("event", {}))}
    except WeChatError as e:
        out = {"errcode": e.errcode, "errmsg": e.errmsg}
    except TransportError as e:
        out = {"error": str(e)}
    except (KeyError, ValueError) as e:
        out = {"error": "bad input or environment: %s" % e}
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
