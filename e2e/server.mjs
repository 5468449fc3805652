// Static server for Playwright: the built site (dist/web) plus the test fixtures, with COOP/COEP so
// pages are cross-origin isolated, and a log of requests that tests read to prove cache hits.
// Under /plain/ the same site is served without COOP/COEP (a page that is not cross-origin isolated).
// Usage: node e2e/server.mjs [port]
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const mounts = [
  ['/fixtures/', join(root, 'packages/core/test/fixtures')],
  ['/react-app/', join(root, 'examples/react-app/dist')],
  ['/pwa/', join(root, 'examples/pwa-sentiment/dist')],
  ['/script-tag/ko-classify/models/', join(root, 'public/models')],
  ['/script-tag/ko-classify/', join(root, 'packages/embed/dist')],
  ['/script-tag/', join(root, 'examples/script-tag')],
  ['/', join(root, 'dist/web')],
];
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream',
  '.css': 'text/css', '.txt': 'text/plain', '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json',
};
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'";
/** @type {{ url: string, status: number }[]} */
let log = [];
/**
 * Faults by exact path, set with /__fault?path=…&mode=…: `status` (answer `status`, `times` times),
 * `drop` (send half the body, then cut the connection), `trickle` (16 KB every 60 ms: longer than
 * the ORT runtime start that runs beside the download), `corrupt`
 * (flip one byte). `times` (default: always) counts down per request.
 * @type {Map<string, { mode: string, status: number, times: number }>}
 */
const faults = new Map();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/__log') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(log));
    if (url.searchParams.has('clear')) log = [];
    return;
  }
  const plain = url.pathname.startsWith('/plain/');
  const path = plain ? url.pathname.slice('/plain'.length) : url.pathname;
  if (!plain) {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  }
  if (url.pathname === '/__fault') {
    if (url.searchParams.has('clear')) faults.clear();
    else faults.set(url.searchParams.get('path') ?? '', { mode: url.searchParams.get('mode') ?? 'status', status: Number(url.searchParams.get('status') ?? 500), times: Number(url.searchParams.get('times') ?? Infinity) });
    res.end('ok');
    return;
  }
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  // The examples that must run under a strict policy get it as a header, worker scripts included.
  if (path.startsWith('/script-tag/') || path.startsWith('/pwa/')) res.setHeader('Content-Security-Policy', CSP);
  const fault = faults.get(url.pathname);
  let active = null;
  if (fault && fault.times > 0) {
    fault.times--;
    active = fault.mode;
    if (fault.mode === 'status') {
      log.push({ url: url.pathname, status: fault.status });
      res.statusCode = fault.status;
      res.end(`injected ${fault.status}`);
      return;
    }
  }
  const file = locate(decodeURIComponent(path));
  if (!file) {
    log.push({ url: url.pathname, status: 404 });
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  log.push({ url: url.pathname, status: 200 });
  res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', statSync(file).size);
  if (active === 'drop' || active === 'corrupt' || active === 'trickle') return misbehave(active, file, res);
  createReadStream(file).pipe(res);
});

function misbehave(mode, file, res) {
  const body = readFileSync(file);
  if (mode === 'drop') {
    res.write(body.subarray(0, body.length >> 1), () => res.destroy());
  } else if (mode === 'corrupt') {
    body[body.length >> 1] ^= 0xff;
    res.end(body);
  } else {
    let at = 0;
    const timer = setInterval(() => {
      res.write(body.subarray(at, (at += 16_384)));
      if (at >= body.length) {
        clearInterval(timer);
        res.end();
      }
    }, 60);
  }
}

function locate(path) {
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir)) return null;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

const port = Number(process.argv[2] ?? process.env.PORT ?? 4321);
server.listen(port, '127.0.0.1', () => console.log(`e2e server on http://127.0.0.1:${port}`));
