// Bulk classification on Node, side by side in one run: `ko-classify classify` (the built CLI, as a
// user runs it) on native onnxruntime-node and on its default runtime without it (onnxruntime-web's
// WASM), against transformers.js' text-classification pipeline on onnxruntime-node — same model file,
// same rows, same thread count. Also peak RSS at 10,000 and 100,000 rows (streaming keeps it flat) and
// the install size of each choice: the CLI's packed tarballs installed from the registry into an empty
// folder, then the README's opt-in for native speed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** The CLI's closing line: `… N rows (E errors) in S s, R rows/s on T threads (file, runtime); peak RSS M MB`. */
const SUMMARY = /(\d+) rows \((\d+) errors[^)]*\) in ([\d.]+) s, (\d+) rows\/s on (\d+) threads? \(([^,)]+), ([^)]+)\); peak RSS (\d+) MB/;

export function benchBulk({ root, trainPath, modelDir, rows = 100_000, small = 10_000 }) {
  const dir = mkdtempSync(join(os.tmpdir(), 'ko-bulk-'));
  const lines = readFileSync(trainPath, 'utf8').split('\n').filter(Boolean);
  if (lines.length <= rows) throw new Error(`${trainPath} has fewer than ${rows} rows`);
  const inputs = {};
  const input = (n) => (inputs[n] ??= (writeFileSync(join(dir, `rows-${n}.tsv`), `${lines.slice(0, n + 1).join('\n')}\n`), join(dir, `rows-${n}.tsv`)));
  const ko = (n, threads, runtime) => {
    const out = join(dir, `ko-${n}-${threads}-${runtime}.jsonl`);
    const args = [join(root, 'packages/cli/bin/ko-classify.js'), 'classify', modelDir, input(n), '-o', out, '--text-col', 'document', '--threads', String(threads), '--runtime', runtime, '-q'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const m = SUMMARY.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) throw new Error(`ko-classify classify failed (exit ${r.status}):\n${r.stderr}`);
    const res = { lib: 'ko', runtime, rows: Number(m[1]), threads, errors: Number(m[2]), seconds: Number(m[3]), rowsPerSecond: Number(m[4]), file: m[6], peakRssMb: Number(m[8]), out };
    console.log(`classify (${runtime}): ${res.rows} rows on ${threads} thread(s): ${res.rowsPerSecond} rows/s, peak RSS ${res.peakRssMb} MB`);
    return res;
  };
  const tjs = (n, threads) => {
    const models = join(modelDir, '..');
    const name = modelDir.split('/').filter(Boolean).at(-1);
    const r = spawnSync(process.execPath, [join(root, 'bench/tjs-node.mjs'), models, name, input(n), 'document', String(threads), '32'], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`transformers.js on Node failed (exit ${r.status}):\n${r.stderr}`);
    const res = { lib: 'tjs', runtime: 'node', ...JSON.parse(r.stdout.trim().split('\n').at(-1)) };
    console.log(`transformers.js (node): ${res.rows} rows on ${threads} thread(s): ${res.rowsPerSecond} rows/s, peak RSS ${res.peakRssMb} MB`);
    return res;
  };
  try {
    const runs = {
      small: ko(small, 2, 'node'),
      one: ko(rows, 1, 'node'),
      two: ko(rows, 2, 'node'),
      web1: ko(small, 1, 'web'),
      web2: ko(small, 2, 'web'),
      tjs1: tjs(small, 1),
      tjs2: tjs(small, 2),
    };
    const koLabels = readFileSync(runs.small.out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).pred_label);
    const webLabels = readFileSync(runs.web2.out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).pred_label);
    const agree = (a, b) => a.filter((l, i) => l === b[i]).length / a.length;
    const agreement = { tjs: agree(koLabels, runs.tjs2.labels), web: agree(koLabels, webLabels) };
    for (const r of Object.values(runs)) delete r.out, delete r.labels;
    const tjsVersion = JSON.parse(readFileSync(join(root, 'node_modules/@huggingface/transformers/package.json'), 'utf8')).version;
    return { ...runs, agreement, tjsVersion, install: installSizes(root, dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes on disk under `p` (files only, links not followed). */
function du(p) {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((a, e) => a + du(join(p, e)), 0);
}

/** `npm i` of the CLI's tarballs in an empty folder (what a user gets), then the opt-in for native speed. */
function installSizes(root, dir) {
  const app = join(dir, 'app');
  mkdirSync(app);
  const sh = (cmd, args, cwd = app) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = JSON.parse(sh('npm', ['pack', '-w', 'packages/core', '-w', 'packages/model-ko-sentiment', '-w', 'packages/cli', '--pack-destination', dir, '--json'], root).replace(/^[^[]*/, ''));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bulk-app', private: true }));
  const t0 = performance.now();
  sh('npm', ['i', ...packed.map((p) => join(dir, p.filename))]);
  const web = { mb: du(join(app, 'node_modules')) / 1e6, seconds: (performance.now() - t0) / 1000 };
  sh('npm', ['pkg', 'set', 'allowScripts.onnxruntime-node=false', '--json']);
  const t1 = performance.now();
  sh('npm', ['i', 'onnxruntime-node']);
  const native = { mb: du(join(app, 'node_modules')) / 1e6, seconds: (performance.now() - t1) / 1000, ortNodeMb: du(join(app, 'node_modules/onnxruntime-node')) / 1e6 };
  console.log(`install: ${web.mb.toFixed(0)} MB default, ${native.mb.toFixed(0)} MB with onnxruntime-node`);
  return { web, native, ortWebMb: du(join(app, 'node_modules/onnxruntime-web')) / 1e6 };
}
