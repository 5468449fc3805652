// The whole suite, in order: build (packages and examples), typecheck, package checks, Node unit
// tests (vitest), site build, browser + e2e tests (Playwright). Ends with one "N passed, N failed"
// line over every test that ran.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Not under test-results/: Playwright empties that folder when it starts.
const out = join(root, '.test-summary');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const stages = [
  ['build packages', 'npm', ['run', 'build']],
  ['typecheck', 'npm', ['run', 'typecheck']],
  ['package checks (publint, attw, size-limit)', 'node', ['scripts/check-packages.mjs']],
  ['unit tests (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${join(out, 'vitest.json')}`]],
  ['build site', 'npx', ['vite', 'build']],
  // The benchmark pages are not run here (speed never gates tests), but they must keep building.
  ['build bench pages', 'npx', ['vite', 'build', '-c', 'bench/vite.config.ts']],
  ['no eval in bundles', 'node', ['scripts/check-bundles.mjs']],
  ['browser + e2e tests (playwright)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: join(out, 'playwright.json') }],
];

let failedStage = null;
for (const [name, cmd, args, env] of stages) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    failedStage = name;
    break;
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const v = JSON.parse(readFileSync(join(out, 'vitest.json'), 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} catch {}
try {
  const p = JSON.parse(readFileSync(join(out, 'playwright.json'), 'utf8'));
  passed += p.stats.expected + p.stats.flaky;
  failed += p.stats.unexpected;
  skipped += p.stats.skipped;
} catch {}

if (failedStage) console.error(`\nstage failed: ${failedStage}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedStage || failed > 0 ? 1 : 0);
