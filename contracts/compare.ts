// Finds the first difference between two JSON values, named by its path, for the kits' report lines.
const kind = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? 'an object'
        : `the ${typeof value}`;

const show = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? 'absent' : text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

/**
 * The first place two JSON values differ, as one line naming the path, or undefined when they are
 * equal. Values are compared, never text: object key order and formatting do not matter, array
 * order does.
 * @example firstDifference({ a: [1, 2] }, { a: [1, 3] }, 'result') // 'result.a[1] is 2; the server sent 3'
 */
export function firstDifference(got: unknown, sent: unknown, path: string): string | undefined {
  if (got === undefined && sent !== undefined) return `${path} is missing; the server sent ${show(sent)}`;
  if (sent === undefined && got !== undefined) return `${path} is ${show(got)}; the server sent no such field`;
  if (Array.isArray(sent) && Array.isArray(got)) {
    for (let i = 0; i < Math.max(sent.length, got.length); i++) {
      if (i >= got.length) return `${path} has ${got.length} items; the server sent ${sent.length}`;
      if (i >= sent.length) return `${path} has ${got.length} items; the server sent ${sent.length}`;
      const inner = firstDifference(got[i], sent[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(sent) && isObject(got)) {
    const a = got as Record<string, unknown>;
    const b = sent as Record<string, unknown>;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      const inner = firstDifference(a[key], b[key], `${path}.${key}`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (Object.is(got, sent) || (typeof got === 'number' && got === sent)) return undefined;
  if (kind(got) !== kind(sent))
    return `${path} is ${kind(got)} ${show(got)}; the server sent ${kind(sent)} ${show(sent)}`;
  return `${path} is ${show(got)}; the server sent ${show(sent)}`;
}
