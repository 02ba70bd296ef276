// Body redaction: no secret survives in any body, JSON or not, and the pass stays linear on hostile bodies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactBodyText } from '../../../mock-server/state/redaction.js';

const SECRET_KEYS = ['access_token', 'component_access_token', 'component_appsecret', 'component_verify_ticket'];

describe('a body that desynchronises a quote-matching scan (it kept the secret and ticket whole)', () => {
  it.each([
    ['a one-space string and a colon string before the key', '[" ",":"]'],
    ['a colon string alone', '[":"]'],
    ['an escaped quote in an earlier value', '{"a":"x\\"",'],
    ['a stray quote in a body that is not JSON', 'x" '],
  ])('%s', (_name, prefix) => {
    const body = `${prefix}{"component_appsecret":"SECRET-appsecret-0123456789","component_verify_ticket":"SECRET-ticket-0123456789"}`;
    const kept = redactBodyText(body);
    expect(kept).not.toContain('appsecret-0123456789');
    expect(kept).not.toContain('ticket-0123456789');
  });
});

/** A secret of 16-40 characters: a tail that cannot appear by chance elsewhere. */
const secretArb = fc
  .string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'), minLength: 16, maxLength: 40 })
  .map((tail) => `Z${tail}`);

/** A key written as JSON allows: plain, or with some characters as \u escapes. */
function escapedKey(key: string, mask: number): string {
  return [...key]
    .map((char, i) => ((mask >> (i % 30)) & 1 ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : char))
    .join('');
}

/** Random JSON with secrets at random places, written with random whitespace and escaped keys. */
const bodyArb = fc
  .record({
    value: fc.jsonValue({ maxDepth: 4 }),
    secrets: fc.array(fc.tuple(fc.constantFrom(...SECRET_KEYS), secretArb, fc.nat(), fc.nat()), {
      minLength: 1,
      maxLength: 4,
    }),
    space: fc.constantFrom('', ' ', '\n', '\t', '  \r\n'),
    indent: fc.constantFrom(0, 1, 2),
  })
  .map(({ value, secrets, space, indent }) => {
    let tree: unknown = value;
    const placed: string[] = [];
    for (const [key, secret, where, mask] of secrets) {
      placed.push(secret);
      tree = plant(tree, `\u0000K${escapedKey(key, mask)}\u0000`, secret, where);
    }
    return { text: write(tree, space, indent), secrets: placed };
  });

/** JSON text with `space` around every colon and comma; planted keys keep their escapes as written. */
function write(value: unknown, space: string, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value))
    return `[${pad}${value.map((item) => write(item, space, indent)).join(`${space},${space}`)}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([key, item]) => {
      const name = key.startsWith('\u0000K') ? `"${key.slice(2, -1)}"` : JSON.stringify(key);
      return `${name}${space}:${space}${write(item, space, indent)}`;
    });
    return `{${pad}${members.join(`${space},${space}`)}${pad}}`;
  }
  return JSON.stringify(value);
}

/** Puts { key: secret } somewhere in the tree, chosen by `where`. */
function plant(tree: unknown, key: string, secret: string, where: number): unknown {
  if (Array.isArray(tree) && tree.length > 0 && where % 3 !== 0) {
    const copy = [...tree];
    const i = where % copy.length;
    copy[i] = plant(copy[i], key, secret, Math.floor(where / 3));
    return copy;
  }
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree) && where % 3 !== 0) {
    // Never into a planted secret: that would move it under a key that is not secret.
    const keys = Object.keys(tree).filter((k) => !k.startsWith('\u0000K'));
    if (keys.length > 0) {
      const k = keys[where % keys.length];
      return { ...tree, [k]: plant((tree as Record<string, unknown>)[k], key, secret, Math.floor(where / 3)) };
    }
  }
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) return { ...tree, [key]: secret };
  return where % 2 === 0 ? [tree, { [key]: secret }] : { [key]: secret, x: tree };
}

describe('random JSON with secrets at random places', () => {
  it('never shows a secret, whatever the JSON around it', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`redaction property seed: ${seed} (FC_SEED=${seed} repeats this run)`);
    fc.assert(
      fc.property(bodyArb, ({ text, secrets }) => {
        expect(JSON.parse(text)).toBeDefined();
        const kept = redactBodyText(text);
        for (const secret of secrets) expect(kept).not.toContain(secret.slice(6));
      }),
      { seed, numRuns: 400 },
    );
  });

  it('never shows a secret in a body cut short or with garbage around it (not JSON)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`redaction property seed (not JSON): ${seed}`);
    fc.assert(
      fc.property(bodyArb, fc.string({ maxLength: 8 }), fc.nat(), ({ text, secrets }, junk, cut) => {
        const broken = `${junk}${text}`;
        const kept = redactBodyText(broken.slice(0, broken.length - (cut % 3)));
        for (const secret of secrets) expect(kept).not.toContain(secret.slice(6));
      }),
      { seed, numRuns: 300 },
    );
  });
});

// Not a speed test (npm run bench:redaction measures that): a guard with a margin of over 100 times,
// since a quadratic pass takes minutes on 1 MiB where a linear one takes milliseconds.
describe('hostile bodies do not freeze the mock (a 64 KB body of \\" pairs held it 846 ms)', () => {
  const shapes: [string, (size: number) => string][] = [
    ['\\" pairs', (size) => '\\"'.repeat(size / 2)],
    ['\\" pairs inside an open string', (size) => `["${'\\"'.repeat(size / 2)}`],
    ['quotes only', (size) => '"'.repeat(size)],
    ['deep nesting', (size) => '{"a":['.repeat(size / 6)],
    ['one long key', (size) => `{"${'k'.repeat(size)}":1}`],
    ['secret keys one after another', (size) => '"access_token":'.repeat(size / 15)],
    ['backslashes', (size) => `"${'\\'.repeat(size)}`],
  ];
  it.each(shapes)('%s: 1 MiB is redacted in under 2 s', (_name, make) => {
    const body = make(1024 * 1024);
    const started = performance.now();
    redactBodyText(body);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
