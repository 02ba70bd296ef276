// The built-in demo data served when no data file is given.
import type { CloudFunction, MockDataFile } from '../../generated/schemas.js';

/**
 * The two functions of the upstream API page's response example, exactly as given.
 * @example UPSTREAM_EXAMPLE_FUNCTIONS[0].name // 'testfunc5'
 */
export const UPSTREAM_EXAMPLE_FUNCTIONS: CloudFunction[] = [
  {
    mod_time: '2021-07-29 15:04:19',
    add_time: '2021-07-29 15:04:19',
    runtime: 'Nodejs8.9',
    name: 'testfunc5',
    status: 'CreateFailed',
    status_reason: [
      {
        errcode: 'ResourceNotFound.File',
        errmsg: '未找到函数执行入口文件,请确认代码包入口文件名和 handler 设置是否对应或代码压缩包是否正常。',
      },
    ],
  },
  {
    mod_time: '2021-07-29 14:41:43',
    add_time: '2021-07-29 14:41:43',
    runtime: 'Nodejs8.9',
    name: 'testfunc4',
    status: 'Active',
    status_reason: [],
  },
];

/**
 * The data served when no data file is given: the upstream page's own example env, a production
 * env of a few dozen functions, and an env without cloud development (answers 85088).
 * Any non-empty access_token is accepted.
 * @example createApp({ data: DEFAULT_DATA }) // the same as createApp()
 */
export const DEFAULT_DATA: MockDataFile = {
  seed: 1,
  envs: {
    'prod-5g7k2m9x3d': {
      functions: [
        { name: 'login' },
        { name: 'getOpenId' },
        { name: 'getUserProfile' },
        { name: 'payment-notify' },
        { name: 'sendSubscribeMessage' },
        { name: 'order_sync', status: 'UpdateFailed' },
      ],
      generate: 30,
    },
    'myttest-8gu57so0bd9f9e8a': {
      functions: UPSTREAM_EXAMPLE_FUNCTIONS,
    },
    'legacy-3h8d1c0v7q': { qbase: false },
  },
};
