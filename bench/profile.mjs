// One single-sentence call, phase by phase (bench/profile-worker.ts), for the variants worth comparing:
// the shipped int8 file and the fp32 one, with the bench's thread count and with one thread. The first
// variant also gets ORT's per-operator profile. Used by bench/run.mjs; alone, for quick experiments:
//   node bench/profile.mjs [--threads N] [--calls N]   (after `npm run bench` has built dist/bench)
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './sample.mjs';

export const PHASES = ['tokenize', 'batch', 'tensors', 'run', 'copy', 'post'];

/**
 * Medians per phase for each variant over the last of `rounds` passes through the texts (the steady
 * state), the first pass's median `run` (V8 runs ORT's WebAssembly on baseline code at first and tiers
 * hot functions up as they run), and the per-operator table of the first variant.
 */
export async function profileCalls(browser, base, { texts, threads, step, variants = defaultVariants(threads), ops = 50, rounds = 4 }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[profile page] ${e.message}`));
  await page.goto(`${base}/profile.html`);
  await page.waitForFunction(() => typeof window.profile === 'function');
  const out = [];
  for (const [i, v] of variants.entries()) {
    const req = { texts, threads: v.threads, modelUrl: `${base}/models/ko-sentiment/`, file: v.file, ops: i === 0 ? ops : 0, sessionOptions: v.sessionOptions, rounds };
    const r = await step(page, `profile ${v.name}`, (q) => window.profile(q), req);
    const round = (k) => r.calls.slice(k * texts.length, (k + 1) * texts.length);
    const steady = round(rounds - 1);
    const phases = Object.fromEntries(PHASES.map((p) => [p, median(steady.map((c) => c[p]))]));
    const total = median(steady.map((c) => PHASES.reduce((a, p) => a + c[p], 0)));
    const runByRound = Array.from({ length: rounds }, (_, k) => median(round(k).map((c) => c.run)));
    out.push({ ...v, phases, total, runByRound, createMs: r.createMs, firstCreateMs: r.firstCreateMs, ops: r.ops });
    console.log(`profile ${v.name}: ${total.toFixed(2)} ms per call in round ${rounds}, session ${r.createMs.toFixed(0)} ms, runtime start ${(r.firstCreateMs - r.createMs).toFixed(0)} ms (${PHASES.map((p) => `${p} ${phases[p].toFixed(3)}`).join(', ')}); run by round ${runByRound.map((x) => x.toFixed(2)).join(' ')}`);
  }
  await context.close();
  return out;
}

export function defaultVariants(threads) {
  return [
    { name: `int8, ${threads} threads (as shipped)`, file: 'onnx/model_int8.onnx', threads },
    { name: 'int8, 1 thread', file: 'onnx/model_int8.onnx', threads: 1 },
    { name: `fp32, ${threads} threads`, file: 'onnx/model.onnx', threads },
    { name: 'fp32, 1 thread', file: 'onnx/model.onnx', threads: 1 },
  ];
}

/**
 * More variants for experiments (`--extra k1,k2`): session options, and the shipped int8 file with ORT's
 * own graph optimisation off or lowered (`ko-classify optimize` already saved its optimised graph in place).
 */
export function extraVariants(threads) {
  return {
    nospin: { name: `int8, ${threads} threads, no spinning`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { extra: { session: { intra_op: { allow_spinning: '0' } } } } },
    block: { name: `int8, ${threads} threads, dynamic_block_base 4`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { extra: { session: { dynamic_block_base: '4' } } } },
    opt: { name: `int8 pre-optimised (extended), ${threads} threads, no runtime optimisation`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { graphOptimizationLevel: 'disabled' } },
    optblock: { name: `int8 pre-optimised, ${threads} threads, dynamic_block_base 4`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { graphOptimizationLevel: 'disabled', extra: { session: { dynamic_block_base: '4' } } } },
    optblock2: { name: `int8 pre-optimised, ${threads} threads, dynamic_block_base 2`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { graphOptimizationLevel: 'disabled', extra: { session: { dynamic_block_base: '2' } } } },
    optblock8: { name: `int8 pre-optimised, ${threads} threads, dynamic_block_base 8`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { graphOptimizationLevel: 'disabled', extra: { session: { dynamic_block_base: '8' } } } },
    optall: { name: `int8 pre-optimised, ${threads} threads, dynamic_block_base 4, runtime level all`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { graphOptimizationLevel: 'all', extra: { session: { dynamic_block_base: '4' } } } },
    optbasic: { name: `int8 pre-optimised, ${threads} threads, dynamic_block_base 4, runtime level basic`, file: 'onnx/model_int8.onnx', threads, sessionOptions: { graphOptimizationLevel: 'basic', extra: { session: { dynamic_block_base: '4' } } } },
    opt1: { name: 'int8 pre-optimised (extended), 1 thread, no runtime optimisation', file: 'onnx/model_int8.onnx', threads: 1, sessionOptions: { graphOptimizationLevel: 'disabled' } },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: args } = parseArgs({ options: { threads: { type: 'string', default: String(Math.min(4, os.availableParallelism())) }, calls: { type: 'string', default: '300' }, extra: { type: 'string', default: '' } } });
  const root = resolve(import.meta.dirname, '..');
  const { loadSample } = await import('./sample.mjs');
  const { startBrowser, step } = await import('./browser.mjs');
  const sample = await loadSample(join(process.env.KO_SHARED ?? join(root, '../shared/data'), 'nsmc/dev.tsv'), join(root, 'public/models/ko-sentiment'));
  const env = await startBrowser([['/models/', join(root, 'public/models')], ['/', join(root, 'dist/bench')]]);
  try {
    const threads = Number(args.threads);
    const extra = extraVariants(threads);
    const unknown = args.extra.split(',').filter((k) => k && !(k in extra));
    if (unknown.length) throw new Error(`--extra: no variant ${unknown.join(', ')}; the variants are ${Object.keys(extra).join(', ')}`);
    const variants = [...defaultVariants(threads), ...args.extra.split(',').filter(Boolean).map((k) => extra[k])];
    const res = await profileCalls(env.browser, env.base, { texts: sample.texts.slice(0, Number(args.calls)), threads, step, variants });
    const ops = Object.entries(res[0].ops ?? {}).sort((a, b) => b[1].us - a[1].us);
    console.log(ops.slice(0, 15).map(([op, v]) => `${op.padEnd(24)} ${v.us.toFixed(0).padStart(6)} µs/call  ${v.count.toFixed(0)} nodes`).join('\n'));
  } finally {
    await env.browser.close();
    env.server.close();
  }
}
