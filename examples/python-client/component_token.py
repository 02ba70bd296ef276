"""The component token lifecycle, as the public SDKs do it (WxJava, wechatpy, fastwego).

A third-party platform gets its component_access_token from api_component_token with its appid,
secret and the component_verify_ticket WeChat pushes to it, caches it for its expires_in (here in a
file, so a program run once per call still fetches one token for many calls), and when WeChat
refuses the token (40001, 40014, 42001) fetches a new one once and retries the call once. A fresh
token refused again, or any other failure, is raised: it never loops.
"""

import hashlib
import json
import os
import tempfile
import time
import urllib.error
import urllib.request

from scf_client import TransportError, WechatApiError

TOKEN_REFUSED = {40001, 40014, 42001}


class ComponentTokens:
    def __init__(self, appid, secret, ticket, base_url="https://api.weixin.qq.com", timeout_s=10.0,
                 cache_dir=None, refresh_margin_s=600):
        self.appid = appid
        self.secret = secret
        self.ticket = ticket
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.refresh_margin_s = refresh_margin_s
        key = hashlib.sha256(f"{self.base_url} {appid}".encode("utf-8")).hexdigest()[:32]
        directory = cache_dir or os.path.join(tempfile.gettempdir(), "wechat-component-tokens")
        self.cache_file = os.path.join(directory, f"{key}.json")

    def _cached(self):
        try:
            with open(self.cache_file, encoding="utf-8") as file:
                cached = json.load(file)
        except (OSError, ValueError):
            return None
        if isinstance(cached, dict) and isinstance(cached.get("token"), str) and cached.get("expires_at", 0) > time.time():
            return cached["token"]
        return None

    def _fetch(self):
        body = {
            "component_appid": self.appid,
            "component_appsecret": self.secret,
            "component_verify_ticket": self.ticket,
        }
        request = urllib.request.Request(
            f"{self.base_url}/cgi-bin/component/api_component_token",
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            raise TransportError(f"HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise TransportError(f"request failed: {error}") from error
        try:
            answer = json.loads(text)
        except ValueError as error:
            raise TransportError(f"the answer is not JSON: {text[:80]!r}") from error
        if not isinstance(answer, dict):
            raise TransportError("the answer is not a JSON object")
        errcode = answer.get("errcode", 0)
        if not isinstance(errcode, int) or isinstance(errcode, bool):
            raise TransportError("errcode is not a number")
        if errcode != 0:
            raise WechatApiError(errcode, answer.get("errmsg", ""))
        token, expires_in = answer.get("component_access_token"), answer.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise TransportError("api_component_token answered no component_access_token and expires_in")
        os.makedirs(os.path.dirname(self.cache_file), exist_ok=True)
        expires_at = time.time() + max(0, expires_in - self.refresh_margin_s)
        # Written whole then renamed, so a concurrent reader never sees half a file.
        partial = f"{self.cache_file}.{os.getpid()}"
        with open(partial, "w", encoding="utf-8") as file:
            json.dump({"token": token, "expires_at": expires_at}, file)
        os.replace(partial, self.cache_file)
        return token

    def token(self):
        """The cached token while it is fresh, else a new one."""
        return self._cached() or self._fetch()

    def forget(self, token):
        """Drops a refused token, unless another process has already replaced it."""
        if self._cached() == token:
            try:
                os.remove(self.cache_file)
            except OSError:
                pass

    def call(self, fn):
        """Runs fn(token); on a refused token, one new token and one retry."""
        token = self.token()
        try:
            return fn(token)
        except WechatApiError as error:
            if error.errcode not in TOKEN_REFUSED:
                raise
            self.forget(token)
            return fn(self.token())
