"""The stdin/stdout adapter `wechat-scf-kit verify-client` runs: parameters in, one JSON document out.

{"result": response} on success, {"errcode": N, "errmsg": ...} for a WeChat failure the client
raised, {"error": ...} for a transport failure.
"""

import json
import os
import sys

from scf_client import ScfClient, TransportError, WechatApiError


def main():
    params = json.load(sys.stdin)
    client = ScfClient(
        access_token=os.environ.get("WECHAT_ACCESS_TOKEN", ""),
        base_url=os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
        timeout_s=int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000,
    )
    try:
        output = {"result": client.get_cloud_function_list(**params)}
    except WechatApiError as error:
        output = {"errcode": error.errcode, "errmsg": error.errmsg}
    except TransportError as error:
        output = {"error": str(error)}
    print(json.dumps(output, ensure_ascii=False))


if __name__ == "__main__":
    main()
