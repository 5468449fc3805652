import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The folders of packages/core/src are its architecture (docs/architecture.md): these tests fail on
// an import that crosses a boundary the wrong way, on an import cycle, and on a source file past 300 lines.
const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'packages/core/src');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Every import / export-from / dynamic import specifier of a file, type-only ones included. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

const files = walk(SRC);
const rel = (f: string) => relative(SRC, f).replaceAll('\\', '/');
/** Source file → the source files it imports (relative specifiers resolved, `.js` → `.ts`). */
const graph = new Map(
  files.map((f) => [
    rel(f),
    specifiers(f)
      .filter((s) => s.startsWith('.'))
      .map((s) => rel(resolve(dirname(f), s).replace(/\.js$/, '.ts'))),
  ]),
);
const external = new Map(files.map((f) => [rel(f), specifiers(f).filter((s) => !s.startsWith('.'))]));
const area = (f: string) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : f);

/** Which areas each area may import. The worker side (worker, loader, backends, model, engine, protocol) never reaches up into the page. */
const ALLOWED: Record<string, readonly string[]> = {
  'errors.ts': [],
  'types.ts': [],
  'encoder-types.ts': ['types.ts'],
  'encoder-api.ts': ['errors.ts', 'types.ts', 'encoder-types.ts'],
  engine: ['engine', 'errors.ts', 'types.ts', 'encoder-types.ts'],
  protocol: ['protocol', 'errors.ts', 'types.ts', 'encoder-types.ts'],
  backends: ['backends', 'engine', 'errors.ts', 'types.ts', 'encoder-types.ts'],
  model: ['model', 'backends', 'engine', 'errors.ts', 'types.ts', 'encoder-types.ts'],
  loader: ['loader', 'model', 'backends', 'engine', 'protocol', 'errors.ts', 'types.ts', 'encoder-types.ts'],
  worker: ['worker', 'loader', 'model', 'backends', 'engine', 'protocol', 'errors.ts', 'types.ts', 'encoder-types.ts'],
  page: ['page', 'model', 'protocol', 'errors.ts', 'types.ts', 'encoder-types.ts', 'encoder-api.ts'],
  node: ['node', 'loader', 'model', 'backends', 'engine', 'protocol', 'errors.ts', 'types.ts', 'encoder-types.ts', 'encoder-api.ts'],
  build: ['build', 'node', 'model', 'backends', 'errors.ts', 'types.ts', 'encoder-types.ts'],
  'index.ts': ['page', 'model', 'protocol', 'backends', 'engine', 'errors.ts', 'types.ts', 'encoder-types.ts', 'encoder-api.ts'],
};

describe('packages/core/src import graph', () => {
  it('every file is in a known area and every relative import resolves to a source file', () => {
    expect([...new Set([...graph.keys()].map(area))].filter((a) => !(a in ALLOWED))).toEqual([]);
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${f} → ${d}`));
    expect(missing).toEqual([]);
  });

  it('imports only cross boundaries the allowed way: nothing outside page/ and index.ts imports page/, the browser side never imports node/', () => {
    const wrong = [...graph].flatMap(([f, deps]) => deps.filter((d) => !ALLOWED[area(f)]!.includes(area(d))).map((d) => `${f} → ${d}`));
    expect(wrong).toEqual([]);
  });

  it("Node's built-ins and onnxruntime-node are imported by node/ and build/ only", () => {
    const wrong = [...external].flatMap(([f, deps]) => (['node', 'build'].includes(area(f)) ? [] : deps.filter((d) => d.startsWith('node:') || d === 'onnxruntime-node').map((d) => `${f} → ${d}`)));
    expect(wrong).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('sees the imports it checks (a guard against a parser that finds nothing)', () => {
    expect(graph.get('worker/worker.ts')).toContain('loader/host.ts');
    expect(graph.get('index.ts')).toContain('page/client.ts');
    expect(graph.get('node/client.ts')).toContain('loader/host.ts');
  });
});

describe('source files stay readable', () => {
  it('no file in packages/*/src is over 300 lines', () => {
    const pkgs = readdirSync(join(ROOT, 'packages')).map((p) => join(ROOT, 'packages', p, 'src'));
    const long = pkgs
      .flatMap((d) => {
        try {
          return walk(d).concat(readdirSync(d).filter((f) => f.endsWith('.mjs')).map((f) => join(d, f)));
        } catch {
          return [];
        }
      })
      .map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 300)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(long).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('names only files that exist, and the files of one call\'s path', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const named = [...new Set([...doc.matchAll(/([\w./-]+\.(?:ts|tsx|mjs))\b/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(20);
    const bases = [ROOT, SRC, join(ROOT, 'packages/cli/src')];
    expect(named.filter((f) => !bases.some((b) => existsSync(join(b, f))))).toEqual([]);
    for (const f of ['page/client.ts', 'page/worker-classifier.ts', 'worker/worker.ts', 'loader/host.ts', 'loader/load-model.ts', 'engine/engine.ts']) expect(doc).toContain(`packages/core/src/${f}`);
  });
});
