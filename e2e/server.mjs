// Static server for Playwright: the built site (dist/web), the examples' builds and the test fixtures,
// with COOP/COEP so pages are cross-origin isolated, injectable faults, and the request log tests read
// to prove cache hits. Under /plain/ the same site is served without COOP/COEP (a page that is not
// cross-origin isolated). The script-tag example gets packages/embed/dist alone under its sub-path.
// Usage: node e2e/server.mjs [port]
import { join, resolve } from 'node:path';
import { STRICT_CSP, createStaticServer } from '../scripts/static-server.mjs';

const root = resolve(import.meta.dirname, '..');
const site = [
  ['/fixtures/', join(root, 'packages/core/test/fixtures')],
  ['/react-app/', join(root, 'examples/react-app/dist')],
  ['/pwa/', join(root, 'examples/pwa-sentiment/dist')],
  ['/moderation/', join(root, 'examples/moderation/dist')],
  ['/teach/', join(root, 'examples/teach/dist')],
  ['/script-tag/ko-classify/', join(root, 'packages/embed/dist')],
  ['/script-tag/', join(root, 'examples/script-tag')],
  ['/', join(root, 'dist/web')],
];
const server = createStaticServer({
  mounts: [...site, ...site.map(([prefix, dir]) => [`/plain${prefix}`, dir])],
  isolated: (path) => !path.startsWith('/plain/'),
  // The examples that must run under a strict policy get it as a header, worker scripts included.
  csp: (path) => (path.startsWith('/script-tag/') || path.startsWith('/pwa/') ? STRICT_CSP : null),
  faults: true,
});
const base = await server.start(Number(process.argv[2] ?? process.env.PORT ?? 4321));
console.log(`e2e server on ${base}`);
