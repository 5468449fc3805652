import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { moduleUrl, resolveModule, rewriteImports } from '../src/modules.js';

describe('the module server (resolution and rewriting, without a browser)', () => {
  it('serves core and the kit from dist only, comlink and idb-keyval as one ESM file each', () => {
    expect(resolveModule(moduleUrl('core', 'dist/model/store.js'))).toMatch(/core[/\\]dist[/\\]model[/\\]store\.js$/);
    expect(resolveModule(moduleUrl('testing', 'dist/mock-worker.js'))).toMatch(/testing[/\\]dist[/\\]mock-worker\.js$/);
    expect(resolveModule(moduleUrl('comlink', 'dist/esm/comlink.mjs'))).toMatch(/comlink\.mjs$/);
    expect(resolveModule(moduleUrl('idb-keyval', 'dist/index.js'))).toMatch(/idb-keyval[/\\]dist[/\\]index\.js$/);
    for (const path of [
      moduleUrl('core', 'package.json'),
      moduleUrl('core', 'src/index.ts'),
      moduleUrl('core', 'dist/../../cli/dist/index.js'),
      moduleUrl('core', 'dist/..%2f..%2fcli%2fdist%2findex.js'),
      moduleUrl('core', 'dist/./index.js'),
      moduleUrl('core', 'dist//index.js'),
      moduleUrl('core', 'dist/nope.js'),
      moduleUrl('comlink', 'dist/umd/comlink.js'),
      '/__ko-classify-testing__/m/onnxruntime-web/dist/ort.mjs',
      '/__ko-classify-testing__/m/core',
      '/elsewhere/core/dist/index.js',
    ]) {
      expect(resolveModule(path), path).toBeNull();
    }
  });

  it('rewrites the bare imports of the served packages, and no other', () => {
    const src = [
      "import { expose } from 'comlink';",
      'import { get } from "idb-keyval";',
      "export { KoClassifyError } from '@ko-classify/core';",
      "const ort = await import('onnxruntime-web/wasm');",
      "import { x } from './local.js';",
      "import 'comlink';",
    ].join('\n');
    expect(rewriteImports(src).split('\n')).toEqual([
      "import { expose } from '/__ko-classify-testing__/m/comlink/dist/esm/comlink.mjs';",
      'import { get } from "/__ko-classify-testing__/m/idb-keyval/dist/index.js";',
      "export { KoClassifyError } from '/__ko-classify-testing__/m/core/dist/index.js';",
      "const ort = await import('onnxruntime-web/wasm');",
      "import { x } from './local.js';",
      "import '/__ko-classify-testing__/m/comlink/dist/esm/comlink.mjs';",
    ]);
  });

  it('leaves no bare import in what the mock worker and the seeding load', () => {
    const bare = /\b(?:from|import)\s*\(?\s*['"](?![./])[^'"]+['"]/;
    for (const path of ['testing/dist/mock-worker.js', 'testing/dist/wire.js', 'core/dist/protocol/comlink-errors.js', 'core/dist/errors.js', 'core/dist/model/store.js', 'core/dist/model/cache-index.js']) {
      const [pkg, ...rest] = path.split('/');
      const file = resolveModule(moduleUrl(pkg as 'core', rest.join('/')));
      expect(file, path).not.toBeNull();
      expect(rewriteImports(readFileSync(file!, 'utf8')).replaceAll("'/__ko-classify-testing__/", "'./"), path).not.toMatch(bare);
    }
  });
});
