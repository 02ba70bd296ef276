// The kits' reports: the pretty text and JUnit XML of a run's results.
import type { CaseResult } from './results.js';
import { summarise } from './results.js';

const MARK = { pass: '✓', warn: '!', fail: '✗', skip: '-' } as const;

const SUFFIX = { pass: '', warn: ' (warning)', fail: ' FAILED', skip: '' } as const;

/**
 * The count line: warnings appear only when there are some, so a clean run reads as it always did.
 * @example countLine(results) // '52 passed, 1 warned, 0 failed, 3 skipped'
 */
export function countLine(results: readonly CaseResult[]): string {
  const { passed, warned, failed, skipped } = summarise(results);
  return `${passed} passed, ${warned > 0 ? `${warned} warned, ` : ''}${failed} failed, ${skipped} skipped`;
}

/**
 * One line per case, the details of each failure under it, and a final count line.
 * @example console.log(formatPretty(results))
 */
export function formatPretty(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const suffix = r.status === 'skip' ? ` (skipped: ${r.reason})` : SUFFIX[r.status];
    lines.push(`${MARK[r.status]} ${r.id} ${r.title}${suffix}`);
    if (r.status === 'fail') lines.push(...formatFailure(r).map((line) => `    ${line}`));
    if (r.status !== 'skip') lines.push(...formatWarnings(r).map((line) => `    ${line}`));
  }
  lines.push('', countLine(results));
  return lines.join('\n');
}

/**
 * The details of one failed case: what was expected, what came back, how to reproduce it.
 * @example console.log(formatFailure(result).join('\n'))
 */
export function formatFailure(r: CaseResult): string[] {
  const lines = [`${r.id}:`];
  for (const problem of r.problems ?? []) lines.push(`  - ${problem}`);
  for (const warning of r.warnings ?? []) lines.push(`  ! warning: ${warning}`);
  if (r.actual) lines.push(...`got: ${r.actual}`.split('\n').map((line) => `  ${line}`));
  if (r.curl) lines.push(`  reproduce: ${r.curl}`);
  if (r.stderr) lines.push('  stderr:', ...r.stderr.split('\n').map((line) => `    ${line}`));
  return lines;
}

/**
 * The warnings of a result, then its notes (what the kit did to be fair to it), one line each.
 * @example formatWarnings(result) // ['warning: Content-Type is "application/json; charset=utf-8", …']
 */
export function formatWarnings(r: CaseResult): string[] {
  return [
    ...(r.warnings ?? []).map((warning) => `warning: ${warning}`),
    ...(r.notes ?? []).map((note) => `note: ${note}`),
  ];
}

const escapeXml = (text: string) =>
  text
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // Characters XML 1.0 cannot hold at all.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * JUnit XML, one testcase per case, for CI systems to display.
 * @example writeFileSync('contract.xml', formatJunit('wechat-scf-kit verify', results))
 */
export function formatJunit(suite: string, results: readonly CaseResult[]): string {
  const { failed, skipped } = summarise(results);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  const cases = results.map((r) => {
    const open = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(`${r.id} ${r.title}`)}" time="${seconds(r.durationMs)}"`;
    if (r.status === 'pass' && !r.notes?.length) return `${open}/>`;
    // JUnit has no warning level: a warned case passes, with its warnings where CI shows a test's output.
    if (r.status === 'warn' || r.status === 'pass')
      return `${open}>\n      <system-out>${escapeXml(formatWarnings(r).join('\n'))}</system-out>\n    </testcase>`;
    if (r.status === 'skip')
      return `${open}>\n      <skipped message="${escapeXml(r.reason ?? '')}"/>\n    </testcase>`;
    const message = escapeXml((r.problems ?? []).join('; '));
    return `${open}>\n      <failure message="${message}">${escapeXml(formatFailure(r).join('\n'))}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${results.length}" failures="${failed}" skipped="${skipped}" time="${seconds(total)}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${results.length}" failures="${failed}" skipped="${skipped}" time="${seconds(total)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
