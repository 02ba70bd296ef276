/** The result of one case against one server or client. */
export interface CaseResult {
  id: string;
  title: string;
  /** 'warn': it passed, but something a faithful server would do differently is worth a look (see warnings). */
  status: 'pass' | 'warn' | 'fail' | 'skip';
  /** Why the case was skipped. */
  reason?: string;
  /** What did not hold, one line each. */
  problems?: string[];
  /** What held but is worth a look, one line each: a 'warn' result, never a failure (a client's warnings fail with strict). */
  warnings?: string[];
  /** What the kit did to be fair to the client, e.g. a case run again after a late answer. */
  notes?: string[];
  /** What came back, shortened, for the report. */
  actual?: string;
  /** A command that sends the same request (servers), with the token hidden. */
  curl?: string;
  /** What the client wrote on stderr (clients run as a command). */
  stderr?: string;
  durationMs: number;
}

/**
 * Counts of a run.
 * @example summarise(results) // { passed: 55, warned: 1, failed: 0, skipped: 0 }
 */
export function summarise(results: readonly CaseResult[]) {
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  return { passed: count('pass'), warned: count('warn'), failed: count('fail'), skipped: count('skip') };
}

/**
 * Shortens a value for a report line.
 * @example shorten('x'.repeat(1000), 10) // 'xxxxxxxxx…'
 */
export function shorten(value: unknown, max = 400): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

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
