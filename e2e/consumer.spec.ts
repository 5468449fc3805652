import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { STRICT_CSP, createStaticServer } from '../scripts/static-server.mjs';

// A user outside this repo: every public package packed with `npm pack`, installed into a fresh folder
// in the system temp dir with registry packages only, then the README's "Use it in your app" blocks
// run there as written. Nothing below reads this repo's files except README.md (the blocks) and the
// tarballs it packed.
const repo = resolve(import.meta.dirname, '..');
const PACKAGES = ['core', 'react', 'embed', 'cli', 'testing', 'model-ko-sentiment', 'model-ko-hate-speech', 'model-ko-moderation', 'model-ko-sentence'];
const versionOf = (name: string) => JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version as string;
// Registry packages at the versions this repo has (the npm cache has them: no network needed).
const PINNED: Record<string, string> = { vite: versionOf('vite'), '@playwright/test': versionOf('@playwright/test') };

interface Packed {
  name: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/** The README section's fenced blocks: files (first line `// path` or `<!-- path -->`) and shell lines. */
function readmeBlocks(): { files: Map<string, string>; commands: string[] } {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in your app');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const files = new Map<string, string>();
  const commands: string[] = [];
  for (const [, lang, body] of section.matchAll(/```(\w+)\n([\s\S]*?)```/g)) {
    const path = /^(?:\/\/|<!--)\s*(\S+\.\w+)/.exec(body!)?.[1];
    if (path && lang !== 'sh') files.set(path, body!);
    if (lang === 'sh') commands.push(...body!.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean));
  }
  return { files, commands };
}

let work = '';
let app = '';
let packed: Packed[] = [];
const { files, commands } = readmeBlocks();
// The CLI's opt-in for native speed (its own block): run last, after the default install is proven.
const NATIVE_OPT_IN = commands.filter((c) => c.startsWith('npm pkg set allowScripts') || c === 'npm i onnxruntime-node');
const run = (cmd: string, args: string[], cwd = app) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });

test.describe.configure({ timeout: 300_000 });

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ko-consumer-'));
  app = join(work, 'app');
  mkdirSync(app);
  const json = run('npm', ['pack', ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`]), '--pack-destination', work, '--json'], repo);
  packed = JSON.parse(json.slice(json.indexOf('['))) as Packed[];
  // No .npmrc and no install flags: what a user's fresh folder has.
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  // Every `npm i` of the README, in one install: our packages from their tarballs, the rest from the registry.
  const wanted = commands.filter((c) => /^npm i\b/.test(c) && !NATIVE_OPT_IN.includes(c)).flatMap((c) => c.split(/\s+/).slice(2).filter((w) => !w.startsWith('-')));
  const specs = wanted.map((name) => {
    const tarball = packed.find((p) => p.name === name);
    return tarball ? join(work, tarball.filename) : PINNED[name] ? `${name}@${PINNED[name]}` : name;
  });
  run('npm', ['install', ...specs]);
});

test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('every tarball holds what it should: no tests, fixtures or source maps pointing outside it', () => {
  const table = packed.map((p) => `${p.name.padEnd(34)} ${(p.size / 1e6).toFixed(2).padStart(7)} MB packed ${(p.unpackedSize / 1e6).toFixed(2).padStart(7)} MB unpacked, ${p.files.length} files`);
  console.log(table.join('\n'));
  expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((p) => `@ko-classify/${p}`).sort());
  for (const p of packed) {
    const paths = p.files.map((f) => f.path);
    expect(paths.filter((f) => /(^|\/)(test|tests|__tests__|fixtures?)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)golden/.test(f)), p.name).toEqual([]);
    expect(paths, p.name).toContain('package.json');
    const root = join(app, 'node_modules', p.name);
    for (const map of paths.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      for (const s of sources) {
        const target = normalize(join(dirname(map), s));
        expect(target.startsWith('..') || !paths.includes(target), `${p.name}/${map} → ${s}`).toBe(false);
      }
    }
  }
  const byName = Object.fromEntries(packed.map((p) => [p.name, p.files.map((f) => f.path)]));
  expect(byName['@ko-classify/model-ko-sentiment']).toEqual(expect.arrayContaining(['onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'manifest.json', 'LICENSE.md', 'README.md']));
  expect(byName['@ko-classify/model-ko-sentiment']).not.toContain('onnx/model.onnx');
  expect(byName['@ko-classify/embed']).toEqual(expect.arrayContaining(['dist/ko-classify.js', 'dist/ko-classify.worker.js', 'dist/models/ko-sentiment/onnx/model_int8.onnx']));
  expect(byName['@ko-classify/cli']).toContain('bin/ko-classify.js');
  expect(byName['@ko-classify/model-ko-sentence']).toEqual(expect.arrayContaining(['onnx/model_int8.onnx', 'onnx/model_q4.onnx', 'manifest.json', 'LICENSE.md', 'README.md']));
});

test('a fresh Vite + React 19 app with koClassify({ models }) builds and classifies from vite preview', async ({ page }) => {
  for (const [path, body] of files) if (!path.startsWith('site/')) mkdirSync(dirname(join(app, path)), { recursive: true }), writeFileSync(join(app, path), body);
  expect(commands).toContain('npx vite build && npx vite preview');
  run('npx', ['vite', 'build']);
  expect(JSON.parse(readFileSync(join(app, 'dist/models/ko-sentiment/manifest.json'), 'utf8')).files).toHaveProperty(['onnx/model_int8.onnx']);
  const port = 4300 + Math.floor(Math.random() * 500);
  const preview: ChildProcess = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { cwd: app, stdio: 'ignore', detached: true });
  try {
    await expect.poll(() => fetch(`http://localhost:${port}/`).then((r) => r.status, () => 0), { timeout: 30_000 }).toBe(200);
    await page.goto(`http://localhost:${port}/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByLabel('리뷰').fill('정말 감동적이고 재미있는 영화였어요. 강력 추천합니다!');
    await expect(page.locator('output')).toContainText(/^positive [01]\.\d\d$/, { timeout: 90_000 });
    await page.getByLabel('리뷰').fill('최악이다. 돈 아깝고 지루해서 중간에 나왔음');
    await expect(page.locator('output')).toContainText(/^negative [01]\.\d\d$/);
  } finally {
    process.kill(-preview.pid!);
  }
});

test("the README's Playwright tests, on @ko-classify/testing, pass against the built app", () => {
  expect(commands).toContain('npx playwright test');
  expect(files.has('tests/review.spec.ts')).toBe(true);
  // The README's config as written, plus what this machine needs: Debian's Chromium, a free port.
  const port = 4800 + Math.floor(Math.random() * 500);
  const local = `import base from './playwright.config.ts';
const url = 'http://localhost:${port}';
export default { ...base, reporter: 'list', use: { ...base.use, baseURL: url, launchOptions: ${JSON.stringify({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] })} },
  webServer: { ...base.webServer, command: base.webServer.command + ' --port ${port} --strictPort', url } };
`;
  writeFileSync(join(app, 'playwright.local.config.ts'), local);
  // The outer Playwright's worker environment must not leak into the inner run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PW_|PLAYWRIGHT_|TEST_|NODE_OPTIONS$)/.test(k)));
  let out = '';
  try {
    out = execFileSync('npx', ['playwright', 'test', '-c', 'playwright.local.config.ts'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1', CI: '1' } });
  } catch (e) {
    out = `${(e as { stdout?: string }).stdout}${(e as { stderr?: string }).stderr}`;
  }
  expect(out).toMatch(/\b2 passed\b/);
  expect(out).not.toMatch(/failed|flaky/);
});

test('a model package that is not installed fails the build with the npm i that fixes it', () => {
  const config = join(app, 'vite.missing.config.ts');
  writeFileSync(config, files.get('vite.config.ts')!.replace("models: ['ko-sentiment']", "models: ['ko-sentiment', 'ko-hate-speech']"));
  let out = '';
  try {
    run('npx', ['vite', 'build', '-c', config, '--outDir', 'dist-missing']);
  } catch (e) {
    out = `${(e as { stdout?: string }).stdout}${(e as { stderr?: string }).stderr}`;
  }
  expect(out).toContain('npm i @ko-classify/model-ko-hate-speech');
});

test('the embed folder copied alone under a sub-path: strict CSP, one worker, one download per file', async ({ page }) => {
  const copy = commands.find((c) => c.includes('cp -r node_modules/@ko-classify/embed/dist'))!;
  run('sh', ['-c', copy]);
  writeFileSync(join(app, 'site/index.html'), files.get('site/index.html')!);
  const server = createStaticServer({ mounts: [['/', join(app, 'site')]], csp: () => STRICT_CSP });
  const base = await server.start();
  try {
    const workers: string[] = [];
    const violations: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
    await page.goto(`${base}/`);
    // A second element and a script call for the same model share the first one's worker.
    await page.evaluate(() => {
      const area = Object.assign(document.createElement('textarea'), { id: 'second' });
      const el = Object.assign(document.createElement('ko-sentiment'), { id: 'two' });
      el.setAttribute('for', 'second');
      document.body.append(area, el);
      const w = window as unknown as { KoClassify: { createClassifier(): Promise<{ classify(t: string): Promise<{ label: string }> }> }; viaScript: Promise<string> };
      w.viaScript = w.KoClassify.createClassifier().then((c) => c.classify('이 영화 정말 최고예요')).then((r) => r.label);
    });
    await expect(page.locator('ko-sentiment').first()).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.getByLabel('리뷰').pressSequentially('배우들 연기가 정말 최고였어요', { delay: 5 });
    await expect(page.locator('ko-sentiment').first()).toHaveAttribute('label', 'positive');
    await page.locator('#second').pressSequentially('지루하고 돈 아까운 최악의 영화', { delay: 5 });
    await expect(page.locator('#two')).toHaveAttribute('label', 'negative');
    expect(await page.evaluate(() => (window as unknown as { viaScript: Promise<string> }).viaScript)).toBe('positive');
    expect(workers.filter((u) => u.endsWith('/vendor/ko-classify/ko-classify.worker.js'))).toHaveLength(1);
    const models = server.log.filter((r) => r.url.startsWith('/vendor/ko-classify/models/'));
    const urls = models.map((r) => r.url);
    expect(urls).toContain('/vendor/ko-classify/models/ko-sentiment/onnx/model_int8.onnx');
    expect(urls.filter((u, i) => urls.indexOf(u) !== i), 'downloaded twice').toEqual([]);
    expect(server.log.filter((r) => r.status !== 200 && !r.url.endsWith('favicon.ico'))).toEqual([]);
    expect(violations).toEqual([]);
  } finally {
    server.close();
  }
});

test('the embed folder from a CDN-style path on another origin (…/@ko-classify/embed@VERSION/dist/)', async ({ page }) => {
  const version = packed.find((p) => p.name === '@ko-classify/embed')!.filename.match(/(\d+\.\d+\.\d+)/)![1];
  const cdnRoot = join(work, 'cdn');
  cpSync(join(app, 'node_modules/@ko-classify/embed/dist'), join(cdnRoot, `@ko-classify/embed@${version}/dist`), { recursive: true });
  const cdn = createStaticServer({ mounts: [['/npm/', cdnRoot]], cors: true });
  const cdnBase = await cdn.start();
  const pageDir = join(work, 'cdn-page');
  mkdirSync(pageDir, { recursive: true });
  const script = `${cdnBase}/npm/@ko-classify/embed@${version}/dist/ko-classify.js`;
  writeFileSync(join(pageDir, 'index.html'), `<!doctype html><html lang="ko"><head><meta charset="utf-8"><script src="${script}"></script></head><body><textarea id="review" aria-label="리뷰"></textarea><ko-sentiment for="review"></ko-sentiment></body></html>`);
  const csp = `default-src 'self'; script-src 'self' blob: ${cdnBase} 'wasm-unsafe-eval'; worker-src 'self' blob: ${cdnBase}; connect-src 'self' ${cdnBase}; object-src 'none'; base-uri 'none'`;
  const site = createStaticServer({ mounts: [['/', pageDir]], csp: () => csp });
  const base = await site.start();
  try {
    await page.goto(`${base}/`);
    await expect(page.locator('ko-sentiment')).toHaveAttribute('state', 'idle', { timeout: 90_000 });
    await page.getByLabel('리뷰').pressSequentially('최악이다 시간 낭비', { delay: 5 });
    await expect(page.locator('ko-sentiment')).toHaveAttribute('label', 'negative');
    expect(cdn.log.map((r) => r.url)).toContain(`/npm/@ko-classify/embed@${version}/dist/models/ko-sentiment/onnx/model_int8.onnx`);
  } finally {
    site.close();
    cdn.close();
  }
});

// The install above took no flags and no .npmrc on a machine that reaches only the npm registry, so
// nothing in it downloaded from elsewhere; and no package in the tree has a script that would.
test('nothing installed runs an install script that downloads (onnxruntime-node is not in the tree)', () => {
  const scripted = new Map<string, string>();
  for (const hook of ['preinstall', 'install', 'postinstall']) {
    for (const p of JSON.parse(run('npm', ['query', `:attr(scripts,[${hook}])`])) as { name: string; version: string; scripts: Record<string, string> }[]) {
      scripted.set(`${p.name}@${p.version} ${hook}`, p.scripts[hook]!);
    }
  }
  expect(existsSync(join(app, 'node_modules/onnxruntime-node'))).toBe(false);
  // protobufjs (onnxruntime-web's and onnx-proto's) only checks its own version: it reads no network.
  for (const [pkg, script] of scripted) expect(`${pkg}: ${script}`).toMatch(/^protobufjs@[\d.]+ postinstall: node scripts\/postinstall$/);
});

test('npm i of the CLI gives a working npx ko-classify --help and classify, keeping every input field byte for byte', () => {
  expect(run('npx', ['ko-classify', '--help'])).toContain('classify <model>');
  const command = commands.find((c) => c.startsWith('npx ko-classify classify'))!;
  // NSMC's own layout, with a label column.
  writeFileSync(join(app, 'reviews.tsv'), 'id\ttext\tlabel\n007\t정말 재미있고 감동적인 영화\t1\n2\t시간 아깝다 최악\t0\n3\t\t1\n');
  const ran = execFileSync('sh', ['-c', `${command} --label-col label -q 2>&1`], { cwd: app, encoding: 'utf8' });
  expect(ran).toContain('onnxruntime-web WASM');
  expect(ran).toMatch(/against the label column: n 2 {2}accuracy 100\.00%/);
  const rows = readFileSync(join(app, 'labelled.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows.map((r) => [r.id, r.label, r.pred_label ?? r.pred_error])).toEqual([['007', '1', 'positive'], ['2', '0', 'negative'], ['3', '1', 'empty text']]);
  expect(rows[2]).toMatchObject({ pred_line: 4 });
  // JSON Lines whose rows carry label/score/scores of their own: each line comes out with its bytes.
  const lines = ['{"id":12345678901234567890,"text":"정말 감동적인 영화","label":0,"score":"gold","scores":[1.0]}', '{"text":"\\ucd5c\\uc545","label":1}'];
  writeFileSync(join(app, 'gold.jsonl'), `${lines.join('\n')}\n`);
  run('npx', ['ko-classify', 'classify', 'ko-sentiment', 'gold.jsonl', '-o', 'gold.out.jsonl', '-q']);
  const out = readFileSync(join(app, 'gold.out.jsonl'), 'utf8').trim().split('\n');
  out.forEach((line, i) => expect(line.startsWith(`${lines[i]!.slice(0, -1)},"pred_label":`)).toBe(true));
});

test("the README's teach commands: a head from a TSV of a few examples per label, then classify --head labels new rows with it", () => {
  const teach = commands.find((c) => c.startsWith('npx ko-classify teach'))!;
  const label = commands.find((c) => c.startsWith('npx ko-classify classify') && c.includes('--head'))!;
  expect([teach, label]).not.toContain(undefined);
  // The user's own files, as the README names them: examples (text, label) and rows to label.
  const examples: Record<string, string[]> = {
    배송: ['택배가 아직도 안 왔어요', '배송이 너무 늦어요', '주문한 지 열흘인데 도착을 안 해요', '언제 도착하나요'],
    가격: ['가격이 너무 비싸요', '이 가격이면 다른 데서 사겠어요', '할인 좀 해 주세요', '쿠폰 있나요'],
    품질: ['한 번 빨았더니 옷이 줄었어요', '마감이 엉망이고 금방 망가졌어요', '재질이 튼튼하고 좋아요', '색이 사진이랑 달라요'],
  };
  const rows = Object.entries(examples).flatMap(([l, texts]) => texts.map((t) => `${t}\t${l}`));
  writeFileSync(join(app, 'shop-examples.tsv'), `text\tlabel\n${rows.join('\n')}\n`);
  writeFileSync(join(app, 'comments.tsv'), 'id\ttext\tlabel\n1\t택배가 일주일째 안 와요\tmine\n2\t\tmine\n');
  const taught = execFileSync('sh', ['-c', `${teach} 2>&1`], { cwd: app, encoding: 'utf8' });
  expect(taught).toMatch(/12 examples, 3 labels/);
  const head = JSON.parse(readFileSync(join(app, 'shop.head.json'), 'utf8')) as { format: string; labels: string[]; encoder: { model: string } };
  expect(head).toMatchObject({ format: 'ko-classify-head', encoder: { model: 'ko-sentence' } });
  expect([...head.labels].sort()).toEqual(Object.keys(examples).sort());
  run('sh', ['-c', `${label} -q`]);
  const out = readFileSync(join(app, 'comments.labelled.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  // The user's own label column is kept; the head's prediction beside it (only an obvious text is asserted).
  expect(out.map((r) => [r.id, r.label, r.pred_label ?? r.pred_error])).toEqual([['1', 'mine', '배송'], ['2', 'mine', 'empty text']]);
});

test("the README's opt-in for native speed installs onnxruntime-node from the registry alone, and classify then runs on it", () => {
  expect(NATIVE_OPT_IN).toHaveLength(2);
  for (const c of NATIVE_OPT_IN) run('sh', ['-c', c]);
  expect(existsSync(join(app, 'node_modules/onnxruntime-node'))).toBe(true);
  const ran = execFileSync('sh', ['-c', 'npx ko-classify classify ko-sentiment reviews.tsv -o native.jsonl 2>&1'], { cwd: app, encoding: 'utf8' });
  expect(ran).toContain('onnxruntime-node');
  const labels = (f: string) => readFileSync(join(app, f), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { pred_label?: string }).pred_label ?? null);
  expect(labels('native.jsonl')).toEqual(labels('labelled.jsonl'));
});
