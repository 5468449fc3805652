// Fails if any built bundle (site, examples, script-tag build, service worker) uses eval or
// new Function: pages with a strict CSP (no 'unsafe-eval') must be able to run everything we ship.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dirs = ['dist/web', 'packages/embed/dist', 'examples/react-app/dist', 'examples/pwa-sentiment/dist'];
const files = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));
const bad = [];
let scanned = 0;
for (const dir of dirs) {
  for (const f of files(join(root, dir)).filter((p) => /\.(m?js)$/.test(p))) {
    scanned++;
    const src = readFileSync(f, 'utf8');
    for (const [name, re] of [['new Function', /\bnew\s+Function\s*\(/], ['eval(', /(^|[^.\w$])eval\s*\(/]]) {
      if (re.test(src)) bad.push(`${f.slice(root.length + 1)}: ${name}`);
    }
  }
}
if (scanned === 0) throw new Error('no bundles found: build first (npm run build && npx vite build)');
console.log(bad.length ? `eval / new Function found:\n${bad.join('\n')}` : `no eval / new Function in ${scanned} built JS files`);
process.exit(bad.length ? 1 : 0);
