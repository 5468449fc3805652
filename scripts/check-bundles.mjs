// Fails if any built bundle (site, examples, script-tag build, service worker) can compile code from
// strings — eval(), new Function() or Function() — so pages with a strict CSP (no 'unsafe-eval') run
// everything we ship. One known exception is listed, not hidden: ONNX Runtime's WebGPU runtime (the
// "asyncify" build) builds Emscripten emval method callers with Function(); it runs on the WebGPU
// backend only, so a strict-CSP page gets WASM (the e2e CSP tests prove no violation there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkFiles } from '@ko-classify/core/node';

const root = join(import.meta.dirname, '..');
const dirs = ['dist/web', 'packages/embed/dist', 'examples/react-app/dist', 'examples/pwa-sentiment/dist', 'examples/moderation/dist', 'examples/teach/dist'];
const ORT_WEBGPU = /(^|\/)(ort\.webgpu\.bundle\.min-[\w-]+\.js|ort-wasm-simd-threaded\.asyncify\.mjs)$/;
const bad = [];
const known = [];
let scanned = 0;
for (const dir of dirs) {
  for (const f of walkFiles(join(root, dir)).filter((p) => /\.(m?js)$/.test(p)).map((p) => join(root, dir, p))) {
    scanned++;
    const src = readFileSync(f, 'utf8');
    const rel = f.slice(root.length + 1);
    for (const [name, re] of [['Function constructor', /(^|[^.\w$])(new\s+)?Function\s*\(/], ['eval(', /(^|[^.\w$])eval\s*\(/]]) {
      if (re.test(src)) (ORT_WEBGPU.test(rel) && name === 'Function constructor' ? known : bad).push(`${rel}: ${name}`);
    }
  }
}
if (scanned === 0) throw new Error('no bundles found: build first (npm run build && npx vite build)');
if (known.length) console.log(`known, WebGPU backend only (ONNX Runtime's emval method caller):\n  ${known.join('\n  ')}`);
console.log(bad.length ? `eval / Function() found:\n${bad.join('\n')}` : `no other eval / Function() in ${scanned} built JS files`);
process.exit(bad.length ? 1 : 0);
