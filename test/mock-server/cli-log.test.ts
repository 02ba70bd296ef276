// The CLI's log lines: no request text can forge, reorder or colour a line.
import { describe, expect, it } from 'vitest';
import { jsonLine, printable } from '../../mock-server/cli-log.js';

const BIDI = [
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];

describe('bidirectional controls in request text (they reached the log raw)', () => {
  it.each(BIDI.map((char) => [`U+${char.charCodeAt(0).toString(16).padStart(4, '0')}`, char]))(
    '%s is written as an escape in a pretty line',
    (_name, char) => {
      const line = printable(`env: prod${char}1 is not in the data`);
      expect(line).not.toContain(char);
      expect(line).toContain(`\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
    },
  );

  it('a JSON line escapes them too and still parses to the same text', () => {
    const reason = `env: ${BIDI.join('')}\u2028x is not in the data`;
    const line = jsonLine({ event: 'request', reason });
    for (const char of [...BIDI, '\u2028']) expect(line).not.toContain(char);
    expect(JSON.parse(line)).toEqual({ event: 'request', reason });
  });

  it('plain text, Chinese included, is kept as it is', () => {
    expect(printable('云函数 prod-1 ok')).toBe('云函数 prod-1 ok');
  });
});
