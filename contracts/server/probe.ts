// The first stage of verify: is the server there, and does it have the kit's control API (and let the kit in)?
import { CONTROL_PREFIX } from '../../mock-server/api-facts.js';
import { sendRaw } from '../http.js';
import { controlRequest } from './arrange.js';

/** What the probe found: no server, or a server with or without a control API the kit may use. */
export type Probe = { reachable: false; error: string } | { reachable: true; control: boolean; refused?: string };

/**
 * Asks GET /__mock/faults, a route of the control protocol: an answer at all says the server is there,
 * HTTP 200 with JSON that it has the control API. (The public /__mock/health answers with the control API
 * off too, so it cannot tell.) A 403 whose error is about the Host is reported as a Host refusal.
 * @example await probe(mock.url, 10_000, undefined) // { reachable: true, control: true }
 */
export async function probe(baseUrl: string, timeoutMs: number, controlToken: string | undefined): Promise<Probe> {
  const res = await sendRaw(controlRequest(baseUrl, 'GET', '/faults', undefined, controlToken), timeoutMs);
  if (res.kind !== 'answer') return { reachable: false, error: res.message };
  if (res.status === 403 && /^Host /.test(errorMessageOf(res.text))) {
    const name = new URL(baseUrl).hostname;
    return {
      reachable: true,
      control: false,
      refused: `the ${CONTROL_PREFIX}/ control API refused the Host name ${name} (HTTP 403): start the mock with --allowed-host ${name} (or WECHAT_SCF_KIT_ALLOWED_HOSTS=${name}), or reach it by a single-label name or an IP address`,
    };
  }
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
    JSON.parse(res.text);
    return { reachable: true, control: true };
  } catch {
    return { reachable: true, control: false };
  }
}

/** The `error` of a control API's JSON refusal, or '' when there is none. */
function errorMessageOf(text: string): string {
  try {
    const { error } = JSON.parse(text) as { error?: unknown };
    return typeof error === 'string' ? error : '';
  } catch {
    return '';
  }
}
