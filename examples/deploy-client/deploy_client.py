"""Deploying a cloud function to a mini program's envs as a third-party platform, and waiting until it is done.

A create (POST /componenttcb/batchuploadscf), code update (batchuploadscfcode) or delete (deletescf)
only starts a change: top-level errcode 0 means the call was accepted, not that every env succeeded.
Envs refused at once are listed in the answer (fail_env_list with errmsg, or fail_list with errormsg,
as upstream spells it) and are not polled. Every other env is polled with getscflist, the poll
interval apart, until the function leaves Creating/Updating/Deleting: its status then (with its
status_reason when it failed) is the env's outcome, and a delete is done once the name is no longer
listed. The function is searched by name (searchkey) and every page is read, because the search
matches substrings: `fn` also finds `fn-old`, and the function may be past the first page.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

CALL_PATHS = {
    "create": "/componenttcb/batchuploadscf",
    "update_code": "/componenttcb/batchuploadscfcode",
    "delete": "/componenttcb/deletescf",
}
TRANSITIONAL = {"Creating", "Updating", "Deleting", "Publishing"}
# Worth trying again: a system error, busy, or an answer that never came (never a refused token or a bad request).
TRANSIENT_ERRCODES = {-1, -1000}
MAX_ATTEMPTS = 3
PAGE_LIMIT = 100


class WechatApiError(Exception):
    """A WeChat failure: the server answered with errcode != 0."""

    def __init__(self, errcode, errmsg):
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class TransportError(Exception):
    """No usable WeChat answer: a network failure, an HTTP error, a body that is not WeChat's, or the deadline."""


def post_json(url, body, timeout_s):
    """POSTs body (a dict) as JSON and returns the answer; raises WechatApiError or TransportError."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
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


class Deployer:
    """Makes one deployment against base_url with a component_access_token."""

    def __init__(self, base_url, access_token, timeout_s=10.0, poll_interval_s=2.0, deploy_timeout_s=300.0):
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.timeout_s = timeout_s
        self.poll_interval_s = poll_interval_s
        self.deadline = time.monotonic() + deploy_timeout_s
        self.deploy_timeout_s = deploy_timeout_s

    def _post(self, path, body):
        """One API request, tried again (up to 3 attempts) only on a transient failure."""
        url = f"{self.base_url}{path}?{urllib.parse.urlencode({'access_token': self.access_token})}"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return post_json(url, body, self.timeout_s)
            except WechatApiError as error:
                if error.errcode not in TRANSIENT_ERRCODES or attempt == MAX_ATTEMPTS:
                    raise
            except TransportError:
                if attempt == MAX_ATTEMPTS:
                    raise
            time.sleep(0.2 * attempt)
        raise AssertionError("unreachable")

    def find_function(self, env, name):
        """The function's record in env (exact name), or None when it is not listed; reads every page."""
        offset = 0
        while True:
            answer = self._post(
                "/componenttcb/getscflist", {"env": env, "searchkey": name, "offset": offset, "limit": PAGE_LIMIT}
            )
            functions = answer.get("functions") or []
            for function in functions:
                if isinstance(function, dict) and function.get("name") == name:
                    return function
            offset += len(functions)
            if not functions or offset >= int(answer.get("total_count", 0)):
                return None

    def deploy(self, params):
        """Runs the deployment; returns {env: outcome}. Raises WechatApiError or TransportError."""
        action, name = params["action"], params["name"]
        if action not in CALL_PATHS:
            raise TransportError(f"unknown action {action!r}: create, update_code or delete")
        if action == "delete":
            envs = [params["env"]]
            body = {"functionname": name, "env": params["env"]}
        else:
            envs = list(dict.fromkeys(params["envs"]))
            body = {"functionname": name, "envs": params["envs"], "zipfile": params["zipfile"]}
        answer = self._post(CALL_PATHS[action], body)
        outcomes = {}
        # Each list names the env and its message; the field is errmsg in one and errormsg in the other.
        for failure in (answer.get("fail_env_list") or []) + (answer.get("fail_list") or []):
            if isinstance(failure, dict) and failure.get("env") in envs:
                outcomes[failure["env"]] = {"failed": failure.get("errmsg", failure.get("errormsg", ""))}
        waiting = [env for env in envs if env not in outcomes]
        while waiting:
            for env in list(waiting):
                outcome = self._outcome(action, self.find_function(env, name))
                if outcome is not None:
                    outcomes[env] = outcome
                    waiting.remove(env)
            if not waiting:
                break
            left = self.deadline - time.monotonic()
            if left <= self.poll_interval_s:
                raise TransportError(
                    f"{name} still changing in {', '.join(waiting)} after {int(self.deploy_timeout_s * 1000)} ms"
                )
            time.sleep(self.poll_interval_s)
        return {env: outcomes[env] for env in envs}

    @staticmethod
    def _outcome(action, function):
        """The env's outcome from what getscflist listed, or None while the change is under way."""
        if function is None:
            # Gone: a delete is done; a create or update not listed yet is still waited for.
            return {"status": "Deleted"} if action == "delete" else None
        status = function.get("status")
        if status in TRANSITIONAL or (action == "delete" and status != "DeleteFailed"):
            return None
        if status == "Active":
            return {"status": "Active"}
        return {"status": status, "status_reason": function.get("status_reason", [])}
