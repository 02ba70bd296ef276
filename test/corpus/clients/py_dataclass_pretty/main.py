#!/usr/bin/env python3
"""Typed getscflist client: dataclasses for the response, pretty sorted output."""
from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import List, Optional


@dataclass
class StatusReason:
    errcode: str
    errmsg: str


@dataclass
class CloudFunction:
    name: str
    runtime: str
    status: str
    mod_time: str
    add_time: str
    status_reason: List[StatusReason] = field(default_factory=list)

    @classmethod
    def from_json(cls, d: dict) -> "CloudFunction":
        return cls(name=d.get("name"), runtime=d.get("runtime"), status=d.get("status"),
                   mod_time=d.get("mod_time"), add_time=d.get("add_time"),
                   status_reason=[StatusReason(r.get("errcode"), r.get("errmsg"))
                                  for r in d.get("status_reason") or []])


@dataclass
class ScfListResponse:
    errcode: int
    errmsg: str
    total_count: int
    functions: List[CloudFunction]


class ApiFailure(Exception):
    def __init__(self, message: str, errcode: Optional[int] = None, errmsg: Optional[str] = None):
        super().__init__(message)
        self.errcode, self.errmsg = errcode, errmsg


def fetch(base: str, token: str, timeout_s: float, params: dict) -> ScfListResponse:
    query = urllib.parse.urlencode({"access_token": token})
    payload = {k: v for k, v in params.items() if k in ("env", "offset", "limit", "searchkey")}
    req = urllib.request.Request(f"{base.rstrip('/')}/componenttcb/getscflist?{query}",
                                 data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as r:
            text = r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        raise ApiFailure(f"unexpected HTTP status {e.code}")
    except Exception as e:  # URLError, timeouts, resets, incomplete reads
        raise ApiFailure(f"transport failure: {e!r}")
    try:
        doc = json.loads(text)
        errcode = doc.get("errcode", 0)
    except (ValueError, AttributeError):
        raise ApiFailure("malformed response body")
    if errcode != 0:
        raise ApiFailure("wechat error", errcode, doc.get("errmsg"))
    return ScfListResponse(errcode=errcode, errmsg=doc.get("errmsg"), total_count=doc.get("total_count"),
                           functions=[CloudFunction.from_json(f) for f in doc.get("functions") or []])


if __name__ == "__main__":
    request = json.loads(sys.stdin.read())
    try:
        res = fetch(os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
                    os.environ.get("WECHAT_ACCESS_TOKEN", ""),
                    int(os.environ.get("WECHAT_TIMEOUT_MS", "5000")) / 1000, request)
        output = {"result": asdict(res)}
    except ApiFailure as f:
        output = {"errcode": f.errcode, "errmsg": f.errmsg} if f.errcode is not None else {"error": str(f)}
    print(json.dumps(output, sort_keys=True, indent=2, ensure_ascii=False))
