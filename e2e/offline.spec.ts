import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { STRICT_CSP, createStaticServer } from '../scripts/static-server.mjs';

// The script-tag page made fully offline by the embed's optional service worker, set up as README's
// script-tag section tells a user to: the embed folder copied to ko-classify/, ko-classify-sw.js copied
// next to the page (its scope is its own folder) and loaded there by one script tag. Served as a
// strict static host serves it: COOP/COEP, `Cache-Control: no-store`, a strict CSP whose worker-src is
// 'self' alone. Its own servers (any free port), which record whatever still reaches them offline.
const root = join(import.meta.dirname, '..');
const dist = join(root, 'packages/embed/dist');
const CSP = STRICT_CSP.replace("worker-src 'self' blob:", "worker-src 'self'");
const REGISTER = '<script src="ko-classify-sw.js"></script>';
const site = join(tmpdir(), `ko-classify-offline-site-${process.pid}`);
mkdirSync(site, { recursive: true });
const html = readFileSync(join(root, 'examples/script-tag/index.html'), 'utf8');
const SCRIPT = '<script src="./ko-classify/ko-classify.js"></script>';
const page0 = html.replace(SCRIPT, `${SCRIPT}\n    ${REGISTER}`);
if (page0 === html) throw new Error('examples/script-tag/index.html no longer has the script tag this test rewrites');
writeFileSync(join(site, 'index.html'), page0);
copyFileSync(join(root, 'examples/script-tag/style.css'), join(site, 'style.css'));
copyFileSync(join(dist, 'ko-classify-sw.js'), join(site, 'ko-classify-sw.js'));

/** Path prefix → the `Service-Worker-Allowed` value sent with files under it (the scope test sets it). */
const allowed = new Map<string, string>();
/**
 * Offline, the hosts are unreachable too: a request that still arrives is recorded and its connection
 * cut, as a real network failure would. Chromium's offline emulation (`context.setOffline`) covers the
 * page's, the worker's and the service worker's own fetches, but not the browser's update check of the
 * service-worker script, which reaches the network anyway (the Playwright caveat).
 */
let offline = false;
const reachedOffline: string[] = [];
function host(options: Parameters<typeof createStaticServer>[0]) {
  const server = createStaticServer(options);
  const [serve] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (offline) {
      reachedOffline.push(req.url ?? '');
      req.socket.destroy();
      return;
    }
    for (const [prefix, value] of allowed) if (req.url?.startsWith(prefix)) res.setHeader('Service-Worker-Allowed', value);
    serve!(req, res);
  });
  return server;
}
// The site, and a CDN on another origin that mirrors the npm package (CORS, CORP cross-origin).
let base = '';
let cdn = '';
/** README's policy for a page that takes the script from a CDN. */
const cdnCsp = () => `default-src 'self'; script-src 'self' blob: ${cdn} 'wasm-unsafe-eval'; worker-src 'self' blob: ${cdn}; connect-src 'self' ${cdn}; object-src 'none'; base-uri 'none'`;
const server = host({
  mounts: [
    ['/site/ko-classify/', dist],
    ['/site/', site],
  ],
  csp: (path) => (path.startsWith('/site/cdn/') ? cdnCsp() : CSP),
});
const cdnServer = host({ mounts: [['/npm/embed/dist/', dist]], cors: true });
test.beforeAll(async () => {
  base = await server.start(0);
  cdn = await cdnServer.start(0);
  // The same page with the script from the CDN, its own folder and copy of the service worker.
  mkdirSync(join(site, 'cdn'), { recursive: true });
  const meta = /<meta http-equiv="Content-Security-Policy" content="[^"]*" \/>/;
  if (!meta.test(page0)) throw new Error('examples/script-tag/index.html no longer has the CSP meta tag this test rewrites');
  writeFileSync(join(site, 'cdn/index.html'), page0.replace('./ko-classify/ko-classify.js', `${cdn}/npm/embed/dist/ko-classify.js`).replace(meta, `<meta http-equiv="Content-Security-Policy" content="${cdnCsp()}" />`));
  copyFileSync(join(root, 'examples/script-tag/style.css'), join(site, 'cdn/style.css'));
  copyFileSync(join(dist, 'ko-classify-sw.js'), join(site, 'cdn/ko-classify-sw.js'));
  // The page one folder down, with the service worker left in the embed folder and a wider scope asked for.
  mkdirSync(join(site, 'wide'), { recursive: true });
  const wide = page0.replace('./ko-classify/ko-classify.js', '../ko-classify/ko-classify.js');
  writeFileSync(join(site, 'wide/index.html'), wide.replace(REGISTER, '<script src="../ko-classify/ko-classify-sw.js" data-scope="../"></script>'));
  // And a copy beside a page whose embed folder is outside that folder.
  writeFileSync(join(site, 'wide/narrow.html'), wide);
  copyFileSync(join(dist, 'ko-classify-sw.js'), join(site, 'wide/ko-classify-sw.js'));
  copyFileSync(join(root, 'examples/script-tag/style.css'), join(site, 'wide/style.css'));
});
test.afterAll(async () => {
  await Promise.all([server, cdnServer].map((s) => new Promise((r) => s.close(r))));
  rmSync(site, { recursive: true, force: true });
});

const RUNTIME_OR_MODEL = /\.wasm$|\/ort-wasm[^/]*\.mjs$|\/models\/|\/onnx\/|\/(manifest|tokenizer)\.json$/;

/** Every URL in the service worker's caches (one per scope and version). */
function swCached(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) if (name.startsWith('ko-classify-offline ')) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
    return urls;
  });
}

/** The first visit, online: the page classifies, and the service worker controls it and holds its files. */
async function visitOnline(page: Page, pageUrl = `${base}/site/`, embed = `${base}/site/ko-classify/`): Promise<void> {
  await page.goto(pageUrl);
  const el = page.locator('ko-sentiment');
  await expect(el).toHaveAttribute('state', 'idle', { timeout: 90_000 });
  await page.getByLabel('영화는 어땠나요?').pressSequentially('정말 감동적이고 재미있는 영화였어요', { delay: 5 });
  await expect(el).toHaveAttribute('label', 'positive');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const want = [pageUrl, `${pageUrl}style.css`, `${embed}ko-classify.js`, `${embed}ko-classify.worker.js`];
  await expect
    .poll(async () => {
      const cached = await swCached(page);
      return want.filter((u) => !cached.includes(u));
    })
    .toEqual([]);
}

/** Offline: the browser context's network emulation, and the hosts unreachable. */
async function goOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(true);
  reachedOffline.length = 0;
  offline = true;
}
test.afterEach(() => {
  offline = false;
});

/** Offline, only the browser's service-worker update check may have tried a host (and failed). */
function expectNothingReachedTheHost(): void {
  test.info().annotations.push({ type: 'reached a host offline', description: JSON.stringify(reachedOffline) });
  expect(reachedOffline.filter((u) => !new URL(u, base).pathname.endsWith('/ko-classify-sw.js'))).toEqual([]);
}

/** What the page and its workers fetched: URL and whether the service worker answered (0: failed). */
function watchResponses(page: Page): { url: string; sw: boolean; status: number }[] {
  const seen: { url: string; sw: boolean; status: number }[] = [];
  page.on('response', (r) => seen.push({ url: r.url(), sw: r.fromServiceWorker(), status: r.status() }));
  page.on('requestfailed', (r) => seen.push({ url: r.url(), sw: false, status: 0 }));
  return seen;
}

/**
 * After an online visit: the SW holds no runtime or model file; offline, a reload gets the page, the
 * script, the worker and its chunks from it, under the page's own CSP, and the worker starts its loader.
 */
async function offlineReload(page: Page, context: BrowserContext, pageUrl: string, embed: string, csp: string): Promise<void> {
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
  await visitOnline(page, pageUrl, embed);
  const cached = await swCached(page);
  expect(cached.filter((u) => RUNTIME_OR_MODEL.test(new URL(u).pathname))).toEqual([]);
  expect(cached.filter((u) => u.startsWith(`${embed}assets/`) && u.endsWith('.js')).length).toBeGreaterThanOrEqual(3);

  await goOffline(context);
  const seen = watchResponses(page);
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  const nav = await page.reload();
  expect(nav?.fromServiceWorker()).toBe(true);
  expect(nav?.headers()['content-security-policy']).toBe(csp);
  expect(await page.evaluate(() => ({ isolated: crossOriginIsolated, api: typeof (window as unknown as { KoClassify?: { createClassifier?: unknown } }).KoClassify?.createClassifier, element: !!customElements.get('ko-sentiment') }))).toEqual({ isolated: true, api: 'function', element: true });
  const el = page.locator('ko-sentiment');
  // The worker started and ran its loader: it ends ready (the runtime cached by the worker) or failed.
  await expect(el).toHaveAttribute('state', /^(idle|error)$/, { timeout: 60_000 });
  expect(workers.length, JSON.stringify(await el.evaluate((n) => n.shadowRoot?.querySelector(".message")?.textContent))).toBeGreaterThanOrEqual(1);
  const own = seen.filter((r) => !RUNTIME_OR_MODEL.test(new URL(r.url).pathname) && !r.url.startsWith('blob:'));
  for (const url of [pageUrl, `${pageUrl}style.css`, `${embed}ko-classify.js`, `${embed}ko-classify.worker.js`]) {
    expect(own.find((r) => r.url === url), url).toMatchObject({ sw: true, status: 200 });
  }
  expect(own.filter((r) => r.url.startsWith(`${embed}assets/`)).length).toBeGreaterThanOrEqual(2);
  expect(own.filter((r) => !r.sw)).toEqual([]);
  // The service worker's network-first fetches failed offline (none reached a host) and it answered from its cache.
  expectNothingReachedTheHost();

  // Reported, not asserted: where the runtime and model stand offline (the worker's caches' job).
  const state = await el.evaluate((node) => ({ state: node.getAttribute('state'), message: node.shadowRoot?.querySelector('.message')?.textContent ?? '' }));
  const stores = await page.evaluate(async () => ({ caches: await caches.keys(), idb: (await indexedDB.databases()).map((d) => d.name) }));
  const runtimeOrModel = seen.filter((r) => RUNTIME_OR_MODEL.test(new URL(r.url).pathname)).map((r) => `${r.url} ${r.status || 'failed'}${r.sw ? ' (sw)' : ''}`);
  const report = { ...state, ...stores, runtimeOrModelResponses: runtimeOrModel };
  test.info().annotations.push({ type: 'offline state', description: JSON.stringify(report) });
  expect(violations).toEqual([]);
}

test.describe("offline script-tag page (the embed's service worker)", () => {
  test('offline reload: the page, the script, the worker and its chunks come from the service worker; it holds no runtime or model file', async ({ page, context }) => {
    // The registration README documents is the one this page uses.
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(REGISTER);
    await offlineReload(page, context, `${base}/site/`, `${base}/site/ko-classify/`, CSP);
  });

  test('the same with the script from a CDN: the service worker keeps CORS copies of the embed files', async ({ page, context }) => {
    await offlineReload(page, context, `${base}/site/cdn/`, `${cdn}/npm/embed/dist/`, cdnCsp());
  });

  /** After an online visit, a reload with the network off loads the page and classifies. */
  async function classifiesOffline(page: Page, context: BrowserContext, pageUrl?: string, embed?: string): Promise<void> {
    await visitOnline(page, pageUrl, embed);
    await goOffline(context);
    await page.reload();
    const el = page.locator('ko-sentiment');
    await expect(el).toHaveAttribute('state', /^(idle|error)$/, { timeout: 60_000 });
    const message = await el.evaluate((node) => node.shadowRoot?.querySelector('.message')?.textContent ?? '');
    expect(await el.getAttribute('state'), message).toBe('idle');
    await page.getByLabel('영화는 어땠나요?').pressSequentially('최악이다. 돈 아깝고 지루해서 중간에 나왔음', { delay: 5 });
    await expect(el).toHaveAttribute('label', 'negative');
    expectNothingReachedTheHost();
  }

  test('offline reload classifies', async ({ page, context }) => {
    await classifiesOffline(page, context);
  });

  test('offline reload classifies with the script from a CDN: the worker keeps ORT\'s glue (.mjs) beside its .wasm', async ({ page, context }) => {
    await classifiesOffline(page, context, `${base}/site/cdn/`, `${cdn}/npm/embed/dist/`);
  });

  test('online, the page\'s files are network-first: a changed page is served fresh, not the cached copy', async ({ page }) => {
    await visitOnline(page);
    const original = readFileSync(join(site, 'index.html'), 'utf8');
    try {
      writeFileSync(join(site, 'index.html'), original.replace('<h1>리뷰 쓰기</h1>', '<h1>리뷰 쓰기 v2</h1>'));
      server.clearLog();
      const nav = await page.reload();
      expect(nav?.fromServiceWorker()).toBe(true);
      await expect(page.locator('h1')).toHaveText('리뷰 쓰기 v2');
      expect(server.log.map((e) => e.url)).toContain('/site/');
    } finally {
      writeFileSync(join(site, 'index.html'), original);
    }
  });

  test('a new embed build is a new service worker: it precaches afresh, keeps the page and drops the old copy', async ({ page }) => {
    await visitOnline(page);
    const before = await page.evaluate(() => caches.keys());
    const file = join(site, 'ko-classify-sw.js');
    const original = readFileSync(file, 'utf8');
    const version = original.match(/`([0-9a-f]{16})`/g);
    expect(version).toHaveLength(1);
    try {
      writeFileSync(file, original.replace(version![0]!, '`0000000000000002`'));
      await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.update()));
      await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([before[0]!.replace(/ [0-9a-f]{16}$/, ' 0000000000000002')]);
      const cached = await swCached(page);
      for (const url of [`${base}/site/`, `${base}/site/style.css`, `${base}/site/ko-classify/ko-classify.js`, `${base}/site/ko-classify/ko-classify.worker.js`]) expect(cached).toContain(url);
    } finally {
      writeFileSync(file, original);
    }
  });

  test('scope: left in the embed folder it controls the page only where the host sends Service-Worker-Allowed', async ({ page, context }) => {
    // README's alternative: no copy; `data-scope` asks for a scope over the page and the embed folder.
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(`${base}/site/wide/`);
    await expect.poll(() => warnings.join('\n')).toMatch(/ko-classify-sw\.js: not registered: SecurityError: .*scope/i);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
    allowed.set('/site/ko-classify/ko-classify-sw.js', '/site/');
    try {
      await offlineReload(page, context, `${base}/site/wide/`, `${base}/site/ko-classify/`, CSP);
    } finally {
      allowed.clear();
    }
  });

  test('a scope that covers the page but not the embed folder is reported: offline the worker script would not be served', async ({ page }) => {
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(`${base}/site/wide/narrow.html`);
    await expect.poll(() => warnings.join('\n')).toContain(`ko-classify-sw.js: the embed folder ${base}/site/ko-classify/ is outside this service worker's scope ${base}/site/wide/`);
  });
});
