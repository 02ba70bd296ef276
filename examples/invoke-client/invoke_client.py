"""Calling a cloud function as a third-party platform, with the authorizer's token.

The platform exchanges the authorizer's refresh token for an authorizer_access_token
(POST /cgi-bin/component/api_authorizer_token?component_access_token=...), caches it for its
expires_in (in a file, so a program run once per call still fetches one token for many calls), and
calls POST /tcb/invokecloudfunction?access_token=...&env=...&name=... with the function's event as
the body. resp_data is the function's return value as JSON text: it is decoded before it is
returned. When WeChat refuses the token (40001, 40014, 42001) the client fetches a new one once and
retries the call once; any other failure, a fresh token refused again included, is raised.
"""

import hashlib
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

TOKEN_REFUSED = {40001, 40014, 42001}


class WechatApiError(Exception):
    """A WeChat failure: the server answered with errcode != 0."""

    def __init__(self, errcode, errmsg):
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class TransportError(Exception):
    """No usable WeChat answer: a network failure, an HTTP error page, or a body that is not WeChat's."""


def post_json(url, body, timeout_s):
    """POSTs body (bytes) and returns the answer as a dict; raises TransportError when there is none."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
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
    return answer


class AuthorizerTokens:
    """The authorizer_access_token of one authorizer of one platform, cached in a file."""

    def __init__(self, component_appid, component_access_token, authorizer_appid, refresh_token,
                 base_url="https://api.weixin.qq.com", timeout_s=10.0, cache_dir=None, refresh_margin_s=600):
        self.component_appid = component_appid
        self.component_access_token = component_access_token
        self.authorizer_appid = authorizer_appid
        self.refresh_token = refresh_token
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.refresh_margin_s = refresh_margin_s
        key = hashlib.sha256(f"{self.base_url} {component_appid} {authorizer_appid}".encode("utf-8")).hexdigest()[:32]
        directory = cache_dir or os.path.join(tempfile.gettempdir(), "wechat-authorizer-tokens")
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
        query = urllib.parse.urlencode({"component_access_token": self.component_access_token})
        body = {
            "component_appid": self.component_appid,
            "authorizer_appid": self.authorizer_appid,
            "authorizer_refresh_token": self.refresh_token,
        }
        answer = post_json(
            f"{self.base_url}/cgi-bin/component/api_authorizer_token?{query}",
            json.dumps(body).encode("utf-8"),
            self.timeout_s,
        )
        token, expires_in = answer.get("authorizer_access_token"), answer.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise TransportError("api_authorizer_token answered no authorizer_access_token and expires_in")
        # The refresh token does not rotate upstream, but keep a new one if it ever comes.
        if isinstance(answer.get("authorizer_refresh_token"), str) and answer["authorizer_refresh_token"]:
            self.refresh_token = answer["authorizer_refresh_token"]
        os.makedirs(os.path.dirname(self.cache_file), exist_ok=True)
        expires_at = time.time() + max(0, expires_in - self.refresh_margin_s)
        temporary = f"{self.cache_file}.{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump({"token": token, "expires_at": expires_at}, file)
        os.replace(temporary, self.cache_file)
        return token

    def token(self):
        return self._cached() or self._fetch()

    def call(self, use):
        """Runs use(token); on a refused token fetches a new one once and runs use once more."""
        try:
            return use(self.token())
        except WechatApiError as error:
            if error.errcode not in TOKEN_REFUSED:
                raise
        return use(self._fetch())


def invoke_cloud_function(base_url, access_token, env, name, event, timeout_s=10.0):
    """Calls one cloud function and returns its result, resp_data decoded."""
    query = urllib.parse.urlencode({"access_token": access_token, "env": env, "name": name})
    answer = post_json(
        f"{base_url.rstrip('/')}/tcb/invokecloudfunction?{query}",
        json.dumps(event, ensure_ascii=False).encode("utf-8"),
        timeout_s,
    )
    resp_data = answer.get("resp_data")
    if not isinstance(resp_data, str):
        raise TransportError("invokecloudfunction answered no resp_data")
    try:
        return json.loads(resp_data)
    except ValueError as error:
        raise TransportError(f"resp_data is not JSON: {resp_data[:80]!r}") from error
