// The one static file server of the repo's tooling (e2e, bench, the packed-consumer tests, examples):
// folders mounted at URL prefixes, COOP/COEP (so pages are cross-origin isolated and WASM can use
// threads), a guard against `..` climbing out of a mount, optional Content-Security-Policy per path,
// injected faults, and a log of the requests it answered (tests read it to prove cache hits).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

/**
 * What a real host compresses: text, JSON and WebAssembly (the types CDNs and static hosts list), not
 * `application/octet-stream` (ONNX files), which they send as is.
 */
export const COMPRESSIBLE = /^(text\/|application\/(json|wasm|manifest\+json)|image\/svg)/;

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json',
  '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.css': 'text/css', '.txt': 'text/plain',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json', '.md': 'text/markdown',
};

/** The strict policy the script-tag, PWA and consumer pages run under: nothing inline, no eval. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'";

/**
 * @typedef {object} StaticServerOptions
 * @property {[string, string][]} mounts URL prefix (ending in /) → folder; the first match wins.
 * @property {(path: string) => boolean} [isolated] send COOP/COEP for this path (default: always).
 * @property {(path: string) => string | null} [csp] a Content-Security-Policy for this path.
 * @property {(path: string) => string} [cacheControl] default `no-store`.
 * @property {boolean} [faults] answer /__fault?path=…&mode=status|drop|trickle|corrupt[&status=][&times=].
 * @property {boolean} [cors] serve to any origin (a CDN): `Access-Control-Allow-Origin: *`, CORP cross-origin.
 * @property {boolean} [compress] answer with brotli (else gzip) where the request accepts it and the type is COMPRESSIBLE, as a host would.
 */

/**
 * A static server (not yet listening). `log` lists `{ url, status, bytes }` of every answered request
 * (`bytes`: the body as sent, after any compression);
 * `/__log` serves it as JSON (`?clear` empties it afterwards).
 * @param {StaticServerOptions} o
 */
export function createStaticServer(o) {
  /** @type {{ url: string, status: number }[]} */
  const log = [];
  /** @type {Map<string, { mode: string, status: number, times: number }>} */
  const faults = new Map();
  /** @type {Map<string, Buffer>} compressed bodies by encoding + file + mtime: compressed once */
  const packed = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.statusCode = 400;
      res.end('bad path');
      return;
    }
    if (path === '/__log') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(log));
      if (url.searchParams.has('clear')) log.length = 0;
      return;
    }
    if (o.isolated?.(path) ?? true) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (o.faults && path === '/__fault') {
      if (url.searchParams.has('clear')) faults.clear();
      else faults.set(url.searchParams.get('path') ?? '', { mode: url.searchParams.get('mode') ?? 'status', status: Number(url.searchParams.get('status') ?? 500), times: Number(url.searchParams.get('times') ?? Infinity) });
      res.end('ok');
      return;
    }
    res.setHeader('Cross-Origin-Resource-Policy', o.cors ? 'cross-origin' : 'same-origin');
    if (o.cors) res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', o.cacheControl?.(path) ?? 'no-store');
    const csp = o.csp?.(path);
    if (csp) res.setHeader('Content-Security-Policy', csp);
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
    const file = locate(o.mounts, path);
    if (!file) {
      log.push({ url: url.pathname, status: 404 });
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    res.setHeader('Content-Type', type);
    const accept = String(req.headers['accept-encoding'] ?? '');
    const encoding = o.compress && !active && COMPRESSIBLE.test(type) ? (/\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null) : null;
    if (encoding) {
      const id = `${encoding} ${file} ${statSync(file).mtimeMs}`;
      let body = packed.get(id);
      if (!body) {
        const raw = readFileSync(file);
        body = encoding === 'br' ? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }) : gzipSync(raw, { level: 9 });
        packed.set(id, body);
      }
      log.push({ url: url.pathname, status: 200, bytes: body.length });
      res.setHeader('Content-Encoding', encoding);
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Content-Length', body.length);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const size = statSync(file).size;
    log.push({ url: url.pathname, status: 200, bytes: size });
    res.setHeader('Content-Length', size);
    if (active) return misbehave(active, file, res);
    createReadStream(file).pipe(res);
  });
  // One array for the server's life, emptied in place: `log` below is copied by Object.assign, so a
  // new array would leave it pointing at the old one.
  return Object.assign(server, {
    log,
    clearLog() {
      log.length = 0;
    },
    /** Listens on 127.0.0.1 (`port` 0: any free port) and resolves with the base URL. */
    start(port = 0) {
      return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`)));
    },
  });
}

/** The file a URL path maps to, or null: outside every mount, `..` out of one, or no such file. */
export function locate(mounts, path) {
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return null;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

/**
 * `drop`: half the body, then the connection is cut. `corrupt`: one byte flipped. `trickle`: 16 KB
 * every 60 ms (longer than the ORT runtime start that runs beside the download).
 */
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
