"""The stdin/stdout adapter `wechat-scf-kit verify-client` runs: parameters in, one JSON document out.

{"result": response} on success, {"errcode": N, "errmsg": ...} for a WeChat failure the client
raised, {"error": ...} for a transport failure. Given WECHAT_COMPONENT_APPID (the token-lifecycle
cases) instead of WECHAT_ACCESS_TOKEN, it gets its own token from api_component_token, cached in a
file so that one token serves many runs, and replaces it once when WeChat refuses it.
"""

import json
import os
import sys

from component_token import ComponentTokens
from scf_client import ScfClient, TransportError, WechatApiError


def main():
    params = json.load(sys.stdin)
    base_url = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")
    timeout_s = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000

    def list_functions(token):
        return ScfClient(access_token=token, base_url=base_url, timeout_s=timeout_s).get_cloud_function_list(**params)

    try:
        if os.environ.get("WECHAT_COMPONENT_APPID"):
            tokens = ComponentTokens(
                appid=os.environ["WECHAT_COMPONENT_APPID"],
                secret=os.environ.get("WECHAT_COMPONENT_APPSECRET", ""),
                ticket=os.environ.get("WECHAT_COMPONENT_VERIFY_TICKET", ""),
                base_url=base_url,
                timeout_s=timeout_s,
            )
            output = {"result": tokens.call(list_functions)}
        else:
            output = {"result": list_functions(os.environ.get("WECHAT_ACCESS_TOKEN", ""))}
    except WechatApiError as error:
        output = {"errcode": error.errcode, "errmsg": error.errmsg}
    except TransportError as error:
        output = {"error": str(error)}
    print(json.dumps(output, ensure_ascii=False))


if __name__ == "__main__":
    main()
