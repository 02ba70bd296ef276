#!/usr/bin/env python3
"""Deploy cloud functions to authorizers' cloud envs (third-party platform, 批量代云开发)."""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class TransportError(Exception):
    pass


class WeChatError(Exception):
    def __init__(self, errcode, errmsg):
        super().__init__("%s %s" % (errcode, errmsg))
        self.errcode, self.errmsg = errcode, errmsg


class DeployTimeout(Exception):
    pass


class CloudBaseDeployer:
    PAGE = 20

    def __init__(self, base_url, access_token, timeout_ms, poll_interval_ms, deploy_timeout_ms):
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.timeout = timeout_ms / 1000.0
        self.interval = poll_interval_ms / 1000.0
        self.deploy_timeout = deploy_timeout_ms / 1000.0

    def _post(self, path, body):
        url = "%s/componenttcb/%s?%s" % (self.base_url, path, urllib.parse.urlencode({"access_token": self.access_token}))
        req = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raise TransportError("%s: HTTP %d" % (path, e.code))
        except Exception as e:
            raise TransportError("%s: %s" % (path, e))
        try:
            doc = json.loads(raw)
        except ValueError:
            raise TransportError("%s: response is not JSON" % path)
        if not isinstance(doc, dict):
            raise TransportError("%s: response is not an object" % path)
        if doc.get("errcode", 0) != 0:
            raise WeChatError(doc["errcode"], doc.get("errmsg", ""))
        return doc

    def find_function(self, env, name):
        """The function named exactly `name` in `env`, or None. searchkey is fuzzy, so page and compare."""
        offset = 0
        while True:
            doc = self._post("getscflist", {"env": env, "searchkey": name, "offset": offset, "limit": self.PAGE})
            functions = doc.get("functions") or []
            for fn in functions:
                if fn.get("name") == name:
                    return fn
            offset += len(functions)
            if not functions or offset >= int(doc.get("total_count") or 0):
                return None

    @staticmethod
    def outcome(action, fn):
        if action == "delete":
            if fn is None:
                return {"status": "Deleted"}
            if fn.get("status") == "DeleteFailed":
                return {"status": "DeleteFailed", "status_reason": fn.get("status_reason", [])}
            return None
        if fn is None:
            return None  # not listed yet
        status = fn.get("status")
        if status == "Active":
            return {"status": "Active"}
        if status in ("CreateFailed", "UpdateFailed"):
            return {"status": status, "status_reason": fn.get("status_reason", [])}
        return None  # Creating / Updating / ...

    def wait(self, action, name, envs):
        deadline = time.monotonic() + self.deploy_timeout
        done = {}
        pending = list(envs)
        while True:
            for env in list(pending):
                result = self.outcome(action, self.find_function(env, name))
                if result is not None:
                    done[env] = result
                    pending.remove(env)
            if not pending:
                return done
            if time.monotonic() + self.interval > deadline:
                raise DeployTimeout("%s of %s still not finished in %s after %.0f ms"
                                    % (action, name, ", ".join(pending), self.deploy_timeout * 1000))
            time.sleep(self.interval)

    def deploy(self, req):
        action, name = req["action"], req["name"]
        if action == "delete":
            self._post("deletescf", {"functionname": name, "env": req["env"]})
            return self.wait(action, name, [req["env"]])
        if action == "create":
            doc = self._post("batchuploadscf", {"functionname": name, "envs": req["envs"], "zipfile": req["zipfile"]})
            failed = {f["env"]: f.get("errmsg") for f in doc.get("fail_env_list") or []}
        elif action == "update_code":
            doc = self._post("batchuploadscfcode", {"functionname": name, "envs": req["envs"], "zipfile": req["zipfile"]})
            failed = {f["env"]: f.get("errormsg") for f in doc.get("fail_list") or []}
        else:
            raise ValueError("unknown action %r" % action)
        result = {env: {"failed": msg} for env, msg in failed.items() if env in req["envs"]}
        result.update(self.wait(action, name, [e for e in req["envs"] if e not in failed]))
        return result


def main():
    try:
        req = json.loads(sys.stdin.read())
        deployer = CloudBaseDeployer(os.environ["WECHAT_API_BASE_URL"], os.environ["WECHAT_ACCESS_TOKEN"],
                                     int(os.environ.get("WECHAT_TIMEOUT_MS") or 10000),
                                     int(os.environ.get("WECHAT_POLL_INTERVAL_MS") or 1000),
                                     int(os.environ.get("WECHAT_DEPLOY_TIMEOUT_MS") or 60000))
        out = {"result": deployer.deploy(req)}
    except WeChatError as e:
        out = {"errcode": e.errcode, "errmsg": e.errmsg}
    except (TransportError, DeployTimeout) as e:
        out = {"error": str(e)}
    except (KeyError, ValueError) as e:
        out = {"error": "bad request: %s" % e}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
