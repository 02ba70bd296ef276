// Writes fixture-family.json: fixture-data.json plus what the family endpoints need
// (components with authorizers, functions with scripted results and triggers, a second env).
// node make-fixture-family.mjs > fixture-family.json
import fs from 'node:fs';

const doc = JSON.parse(fs.readFileSync(new URL('./fixture-data.json', import.meta.url), 'utf8'));
doc.components = {
  wxc0ffee0c0e9e0001: {
    secret: 'corpus-component-secret-5d1e',
    authorizers: {
      wxa11ce0000000a001: { refresh_token: 'refreshtoken@@@CorpusRefresh1_Qm9vdHN0cmFwLWF1dGhvcml6ZXItMQ', envs: ['corpus-env'] },
      wxa11ce0000000a002: { refresh_token: 'refreshtoken@@@CorpusRefresh2_c2Vjb25kLWF1dGhvcml6ZXItdHdv', envs: ['corpus-env-2'] },
    },
  },
  wxc0ffee0c0e9e0002: { secret: 'corpus-open-secret-77b0' },
};
const old = '2023-11-02 10:00:00';
doc.envs['corpus-env'].functions.push(
  { name: 'family-echo', status: 'Active', runtime: 'Nodejs16.13', add_time: old, mod_time: old },
  { name: 'family-scripted', status: 'Active', runtime: 'Nodejs16.13', add_time: old, mod_time: old, result: { ok: true, list: [1, 2, 3], text: '结果' } },
  { name: 'family-throws', status: 'Active', runtime: 'Nodejs16.13', add_time: old, mod_time: old, error: 'TypeError: Cannot read properties of undefined' },
  { name: 'family-creating', status: 'Creating', runtime: 'Nodejs16.13', add_time: old, mod_time: old },
  { name: 'family-createfailed', status: 'CreateFailed', runtime: 'Nodejs16.13', add_time: old, mod_time: old,
    status_reason: [{ errcode: 'ResourceNotFound.File', errmsg: '未找到函数执行入口文件,请确认代码包入口文件名和 handler 设置是否对应或代码压缩包是否正常。' }] },
  { name: 'family-timer', status: 'Active', runtime: 'Nodejs16.13', add_time: old, mod_time: old,
    triggers: [{ trigger_name: 'nightly', type: 'timer', config: '0 0 2 1 * * *' }] },
);
doc.envs['corpus-env-2'] = {
  functions: [
    { name: 'family-echo', status: 'Active', runtime: 'Nodejs18.15', add_time: old, mod_time: old },
    { name: 'family-timer', status: 'Active', runtime: 'Nodejs18.15', add_time: old, mod_time: old,
      triggers: [{ trigger_name: 'hourly', type: 'timer', config: '0 0 * * * * *' }] },
  ],
};
process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
