// The house's rules, checked on the source: folders are layers, imports only run down, no import circles.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_FOLDERS = ['mock-server', 'contracts'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const FILES = SOURCE_FOLDERS.flatMap(sourceFiles);

/** The modules a file imports (static imports and re-exports): package names as written, our files as repo paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
    const spec = match[1] as string;
    found.push(
      spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts') : spec,
    );
  }
  return found;
}

const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));

/** Rules: files under `from` must not import what `forbidden` matches. */
const RULES = [
  {
    from: 'mock-server/endpoints/',
    forbidden: /^(express|cors)$|^mock-server\/http\//,
    why: 'endpoints are rules, not HTTP',
  },
  { from: 'mock-server/state/', forbidden: /^(express|cors)$|^mock-server\/http\//, why: 'state has no HTTP' },
  { from: 'mock-server/state/', forbidden: /^mock-server\/endpoints\//, why: 'state sits below the endpoints' },
  {
    from: 'mock-server/api-facts.ts',
    forbidden: /^mock-server\/|^contracts\//,
    why: 'the facts import nothing of ours',
  },
  { from: 'contracts/', forbidden: /^mock-server\/(http|endpoints)\//, why: 'the kit talks HTTP to any server' },
];

describe('the layers', () => {
  it('finds the source files it judges', () => {
    expect(FILES.length).toBeGreaterThan(40);
    expect(GRAPH.get('mock-server/app.ts')).toContain('mock-server/http/api-route.ts');
  });

  for (const rule of RULES) {
    it(`keeps ${rule.from} from importing ${rule.forbidden} (${rule.why})`, () => {
      const broken = [...GRAPH]
        .filter(([file]) => file.startsWith(rule.from))
        .flatMap(([file, imports]) =>
          imports.filter((spec) => rule.forbidden.test(spec)).map((spec) => `${file} -> ${spec}`),
        );
      expect(broken).toEqual([]);
    });
  }

  it('has no import circles', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of GRAPH.get(file) ?? []) if (GRAPH.has(next)) walk(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) walk(file, []);
    expect(circles).toEqual([]);
  });

  it('starts every mock-server and contracts file with a line saying what it is for', () => {
    const bare = FILES.filter((file) => !/^(#!.*\n)?\/\/ /.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(bare).toEqual([]);
  });
});
