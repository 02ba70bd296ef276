// The result of a case or check, as every report shows it, and the helpers that count and shorten it.
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
