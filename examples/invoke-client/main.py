"""The stdin/stdout adapter `wechat-scf-kit verify-client --invoke` runs: {"env", "name", "event"} in, one JSON document out.

{"result": the function's result} on success, {"errcode": N, "errmsg": ...} for a WeChat failure,
{"error": ...} for a transport failure. The authorizer's credentials come in WECHAT_COMPONENT_APPID,
WECHAT_COMPONENT_ACCESS_TOKEN, WECHAT_AUTHORIZER_APPID and WECHAT_AUTHORIZER_REFRESH_TOKEN.
"""

import json
import os
import sys

from invoke_client import AuthorizerTokens, TransportError, WechatApiError, invoke_cloud_function


def main():
    params = json.load(sys.stdin)
    base_url = os.environ.get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")
    timeout_s = int(os.environ.get("WECHAT_TIMEOUT_MS", "10000")) / 1000
    tokens = AuthorizerTokens(
        component_appid=os.environ.get("WECHAT_COMPONENT_APPID", ""),
        component_access_token=os.environ.get("WECHAT_COMPONENT_ACCESS_TOKEN", ""),
        authorizer_appid=os.environ.get("WECHAT_AUTHORIZER_APPID", ""),
        refresh_token=os.environ.get("WECHAT_AUTHORIZER_REFRESH_TOKEN", ""),
        base_url=base_url,
        timeout_s=timeout_s,
    )

    def call(token):
        return invoke_cloud_function(base_url, token, params["env"], params["name"], params["event"], timeout_s)

    try:
        output = {"result": tokens.call(call)}
    except WechatApiError as error:
        output = {"errcode": error.errcode, "errmsg": error.errmsg}
    except TransportError as error:
        output = {"error": str(error)}
    print(json.dumps(output, ensure_ascii=False))


if __name__ == "__main__":
    main()
