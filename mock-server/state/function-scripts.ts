// What a cloud function does when invoked: checking a script, taking its step for a call, and building the result from the event.
import type { FunctionScript, FunctionScriptStep } from '../../generated/schemas.js';
import { INVOKE_TIMEOUT_MS, MAX_RESP_DATA_BYTES } from '../api-facts.js';
import type { ValidationIssue } from '../validation.js';

const KINDS = ['result', 'echo', 'error'] as const;

/**
 * The issues of a script beyond its schema: a step gives at most one of result, echo and error.
 * @example scriptIssues({ echo: true, error: 'x' }, 'scripts.login') // [{ path: 'scripts.login.error', … }]
 */
export function scriptIssues(script: FunctionScript, path: string): ValidationIssue[] {
  const steps = Array.isArray(script) ? script : [script];
  const issues: ValidationIssue[] = [];
  steps.forEach((step, index) => {
    const kinds = KINDS.filter((kind) => (step as Record<string, unknown>)[kind] !== undefined);
    const at = Array.isArray(script) ? `${path}[${index}]` : path;
    if (kinds.length > 1) {
      issues.push({
        path: `${at}${at ? '.' : ''}${kinds[1]}`,
        message: `cannot be combined with ${kinds[0]}; a step gives one of result, echo and error`,
      });
    }
  });
  return issues;
}

/**
 * The step a call takes: the script itself, or for a list the call's own step (the first call the
 * first step), the last step repeating once the list is used up.
 * @example stepFor([{ error: 'x' }, { echo: true }], 5) // { echo: true }
 */
export function stepFor(script: FunctionScript | undefined, callIndex: number): FunctionScriptStep | undefined {
  if (script === undefined) return undefined;
  if (!Array.isArray(script)) return script;
  return script[Math.min(callIndex, script.length - 1)];
}

/** What a function did with one call: a result as resp_data, a thrown error, or a timeout; and how long it ran. */
export type FunctionRun =
  | { kind: 'result'; resp_data: string; waitMs: number }
  | { kind: 'error'; message: string; waitMs: number }
  | { kind: 'timeout'; waitMs: number };

/** The call as the function sees it: its event, its env and its name. */
export interface FunctionCall {
  event: unknown;
  env: string;
  name: string;
}

/**
 * Runs a step on a call: the echo result `{"event", "env", "name"}` without a step (or with one
 * giving neither result, echo nor error), the event itself for echo, the result with "$event…"
 * strings filled in, or the error; a delay past INVOKE_TIMEOUT_MS is a timeout, waited until the
 * limit. A result over MAX_RESP_DATA_BYTES as JSON is an error, as SCF refuses it.
 * @example runStep({ result: { got: '$event.a' } }, { event: { a: 1 }, env: 'e', name: 'f' }) // { kind: 'result', resp_data: '{"got":1}', waitMs: 0 }
 */
export function runStep(step: FunctionScriptStep | undefined, call: FunctionCall): FunctionRun {
  const delay = step?.delay_ms ?? 0;
  if (delay > INVOKE_TIMEOUT_MS) return { kind: 'timeout', waitMs: INVOKE_TIMEOUT_MS };
  if (step?.error !== undefined) return { kind: 'error', message: step.error, waitMs: delay };
  let result: unknown;
  if (step?.echo) result = call.event;
  else if (step !== undefined && 'result' in step) result = fillEvent(step.result, call.event);
  else result = { event: call.event, env: call.env, name: call.name };
  // undefined (a result the data cannot hold) is sent as null, as JSON.stringify would drop it.
  const respData = JSON.stringify(result ?? null);
  if (Buffer.byteLength(respData) > MAX_RESP_DATA_BYTES) {
    return {
      kind: 'error',
      message: `the result is ${Buffer.byteLength(respData)} bytes as JSON, over the ${MAX_RESP_DATA_BYTES}-byte limit`,
      waitMs: delay,
    };
  }
  return { kind: 'result', resp_data: respData, waitMs: delay };
}

/**
 * A scripted result with every string "$event" replaced by the event and "$event.a.b" by that part
 * of it (null where the event has no such part). Other values are kept as they are.
 * @example fillEvent({ user: '$event.user.id' }, { user: { id: 7 } }) // { user: 7 }
 */
export function fillEvent(template: unknown, event: unknown): unknown {
  if (typeof template === 'string') {
    if (template === '$event') return event;
    if (!template.startsWith('$event.')) return template;
    let value: unknown = event;
    for (const key of template.slice('$event.'.length).split('.')) {
      value =
        value !== null && typeof value === 'object' && Object.hasOwn(value, key)
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    return value ?? null;
  }
  if (Array.isArray(template)) return template.map((item) => fillEvent(item, event));
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
      Object.defineProperty(out, key, {
        value: fillEvent(value, event),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return template;
}
