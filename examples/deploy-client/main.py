"""The stdin/stdout adapter `wechat-scf-kit verify-client --deploy` runs: one deployment in, one JSON document out.

stdin: {"action": "create"|"update_code", "name", "envs", "zipfile"} or {"action": "delete", "name", "env"}.
stdout: {"result": {"<env>": <outcome>, ...}}, {"errcode": N, "errmsg": ...} for a WeChat failure, or
{"error": ...} for a transport failure or a change still under way at WECHAT_DEPLOY_TIMEOUT_MS.
"""

import json
import os
import sys

from deploy_client import Deployer, TransportError, WechatApiError


def main():
    params = json.load(sys.stdin)
    deployer = Deployer(
        base_url=os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
        access_token=os.environ.get("WECHAT_ACCESS_TOKEN", ""),
        timeout_s=int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000,
        poll_interval_s=int(os.environ.get("WECHAT_POLL_INTERVAL_MS", "2000")) / 1000,
        deploy_timeout_s=int(os.environ.get("WECHAT_DEPLOY_TIMEOUT_MS", "300000")) / 1000,
    )
    try:
        output = {"result": deployer.deploy(params)}
    except WechatApiError as error:
        output = {"errcode": error.errcode, "errmsg": error.errmsg}
    except TransportError as error:
        output = {"error": str(error)}
    print(json.dumps(output, ensure_ascii=False))


if __name__ == "__main__":
    main()
