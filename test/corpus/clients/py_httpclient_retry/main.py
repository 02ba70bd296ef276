#!/usr/bin/env python3
"""getscflist over http.client with a bounded retry for transient failures.

Transient: errcode -1 / -1000, HTTP 5xx, dropped connection. At most 3 attempts.
Timeouts are not retried. Negative offset is refused before sending."""
import http.client
import json
import os
import sys
import time
import urllib.parse

TRANSIENT_CODES = {-1, -1000}
ATTEMPTS = 3


class Failure(Exception):
    def __init__(self, text, retry=False, errcode=None, errmsg=None):
        super().__init__(text)
        self.retry, self.errcode, self.errmsg = retry, errcode, errmsg


def once(base, token, timeout_s, body):
    parts = urllib.parse.urlsplit(base)
    Conn = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = Conn(parts.netloc, timeout=timeout_s)
    target = "%s/componenttcb/getscflist?%s" % (parts.path.rstrip("/"), urllib.parse.urlencode({"access_token": token}))
    try:
        conn.request("POST", target, json.dumps(body), {"Content-Type": "application/json; charset=utf-8"})
        resp = conn.getresponse()
        raw = resp.read()
    except TimeoutError as e:
        raise Failure("timeout: %s" % e)
    except (ConnectionError, http.client.HTTPException) as e:
        raise Failure("connection dropped: %r" % e, retry=True)
    except OSError as e:
        raise Failure("network error: %r" % e)
    finally:
        conn.close()
    if resp.status != 200:
        raise Failure("HTTP status %d" % resp.status, retry=resp.status >= 500)
    try:
        doc = json.loads(raw)
    except ValueError:
        raise Failure("body is not JSON")
    if not isinstance(doc, dict):
        raise Failure("body is not a JSON object")
    code = doc.get("errcode", 0)
    if code != 0:
        raise Failure("wechat", retry=code in TRANSIENT_CODES, errcode=code, errmsg=doc.get("errmsg"))
    return doc


def call(base, token, timeout_s, params):
    if isinstance(params.get("offset"), int) and params["offset"] < 0:
        raise Failure("offset must be >= 0")
    body = {k: params[k] for k in ("env", "offset", "limit", "searchkey") if k in params}
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return once(base, token, timeout_s, body)
        except Failure as f:
            if not f.retry or attempt == ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)


if __name__ == "__main__":
    p = json.load(sys.stdin)
    try:
        r = {"result": call(os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
                            os.environ.get("WECHAT_ACCESS_TOKEN", ""),
                            float(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000, p)}
    except Failure as f:
        r = {"errcode": f.errcode, "errmsg": f.errmsg} if f.errcode is not None else {"error": str(f)}
    sys.stdout.write(json.dumps(r) + "\n")
