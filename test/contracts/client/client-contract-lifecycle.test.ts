// describeClientContract with tokenLifecycle: the TypeScript example, given component
// credentials instead of a token, runs the token-lifecycle cases beside a standard one.
import { LIFECYCLE_CASES } from '../../../contracts/client/token-lifecycle.js';
import { describeClientContract } from '../../../contracts/client/vitest.js';
import { createScfClient } from '../../../examples/typescript-client/client.js';
import { createComponentClient } from '../../../examples/typescript-client/component-client.js';

describeClientContract('the TypeScript example (token lifecycle)', {
  createClient: ({ baseUrl, accessToken, timeoutMs, component }) =>
    component
      ? createComponentClient({ baseUrl, timeoutMs, component })
      : createScfClient({ baseUrl, accessToken, timeoutMs }),
  tokenLifecycle: true,
  cases: ['GSL-PAGE-001', ...LIFECYCLE_CASES.map((c) => c.id)],
});
