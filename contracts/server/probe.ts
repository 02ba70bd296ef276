// The first stage of verify: is the server there, and does it have the kit's control API (and let the kit in)?
import { CONTROL_PREFIX } from '../../mock-server/api-facts.js';
import { sendRaw } from '../http.js';
import { controlRequest } from './arrange.js';

/** What the probe found: no server, or a server with or without a control API the kit may use. */
export type Probe = { reachable: false; error: string } | { reachable: true; control: boolean; refused?: string };

/**
 * Asks GET /__mock/health: an answer at all says the server is there, {"status":"ok"}
 * that it has the control API.
 * @example await probe(mock.url, 10_000, undefined) // { reachable: true, control: true }
 */
export async function probe(baseUrl: string, timeoutMs: number, controlToken: string | undefined): Promise<Probe> {
  const res = await sendRaw(controlRequest(baseUrl, 'GET', '/health', undefined, controlToken), timeoutMs);
  if (res.kind !== 'answer') return { reachable: false, error: res.message };
  if (res.status === 401 || res.status === 403) {
    return {
      reachable: true,
      control: false,
      refused: controlToken
        ? `the ${CONTROL_PREFIX}/ control API refused the control token (HTTP ${res.status}); check --control-token`
        : `the ${CONTROL_PREFIX}/ control API needs a token (HTTP ${res.status}); pass --control-token T or set WECHAT_SCF_KIT_CONTROL_TOKEN`,
    };
  }
  if (res.status !== 200) return { reachable: true, control: false };
  try {
    return { reachable: true, control: (JSON.parse(res.text) as { status?: unknown }).status === 'ok' };
  } catch {
    return { reachable: true, control: false };
  }
}
