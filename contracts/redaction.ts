// Report redaction, the one home of it in the kits: tokens hidden from every result line and curl command.
import type { CaseResult } from './results.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces a token with ACCESS_TOKEN where it stands as the token: the value of an
 * `access_token` query parameter (as sent or URL-encoded), or a JSON string equal to it. Never
 * inside other text, so a short token cannot garble a report.
 * @example hideToken("POST /x?access_token=t said 'expected'", 't') // "POST /x?access_token=ACCESS_TOKEN said 'expected'"
 */
export function hideToken(text: string, token: string): string {
  if (!token) return text;
  let out = text;
  for (const form of new Set([token, encodeURIComponent(token)])) {
    out = out.replace(new RegExp(`(access_token=)${escapeRegExp(form)}(?=$|[&#'"\\s\\\\])`, 'g'), '$1ACCESS_TOKEN');
  }
  return out.split(JSON.stringify(token)).join('"ACCESS_TOKEN"');
}

/**
 * Hides every secret in a result's text (see hideToken), so reports never carry a token.
 * @example redactResult(result, ['my-token'])
 */
export function redactResult(result: CaseResult, secrets: readonly string[]): CaseResult {
  const hide = (text: string) => secrets.reduce((t, s) => hideToken(t, s), text);
  return {
    ...result,
    ...(result.problems ? { problems: result.problems.map(hide) } : {}),
    ...(result.warnings ? { warnings: result.warnings.map(hide) } : {}),
    ...(result.notes ? { notes: result.notes.map(hide) } : {}),
    ...(result.actual ? { actual: hide(result.actual) } : {}),
    ...(result.curl ? { curl: hide(result.curl) } : {}),
    ...(result.stderr ? { stderr: hide(result.stderr) } : {}),
  };
}
