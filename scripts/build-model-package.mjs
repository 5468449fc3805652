// Fills a model package (packages/model-<id>, run there by its `build` script) from the embedded model
// in public/models/<id>: what browsers load (config, tokenizer, int8 and int4 ONNX), the card and the
// licence, with a manifest.json of exactly those files. The package folder is the model directory.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyBrowserModel } from '@ko-classify/core/node';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const id = pkg.name.replace('@ko-classify/model-', '');
for (const f of ['onnx', 'manifest.json']) rmSync(f, { recursive: true, force: true });
const manifest = copyBrowserModel(join(import.meta.dirname, '..', 'public', 'models', id), process.cwd());
const mb = Object.values(manifest.files).reduce((a, f) => a + f.size, 0) / 1e6;
console.log(`${pkg.name}: ${Object.keys(manifest.files).length} model files, ${mb.toFixed(1)} MB`);
