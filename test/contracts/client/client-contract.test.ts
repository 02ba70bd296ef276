// The TypeScript entry point of the client contract, used exactly as a client author would.
import { describeClientContract } from 'wechat-scf-kit/contracts';
import { createScfClient } from '../../../examples/typescript-client/client.js';

describeClientContract('examples/typescript-client', {
  createClient: ({ baseUrl, accessToken, timeoutMs }) => createScfClient({ baseUrl, accessToken, timeoutMs }),
});
