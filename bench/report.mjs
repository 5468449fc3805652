// BENCHMARKS.md from the figures bench/run.mjs measured.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NETWORK } from './browser.mjs';

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const x = (n) => `${n.toFixed(2)}×`;
const pctS = (n) => `${(n * 100).toFixed(1)}%`;

/** ko-classify's load phases (ms since the call, as the page saw each progress event; last of each). */
function phaseTable(cold, warm) {
  if (!cold || !warm) return '';
  const last = (list) => {
    const m = new Map();
    for (const [name, t] of list) m.set(name, t);
    return m;
  };
  const c = last(cold);
  const w = last(warm);
  const names = [...new Set([...c.keys(), ...w.keys()].map((n) => n.replace(/^(download|cached) /, 'file ')))];
  const at = (m, n) => {
    const key = [...m.keys()].find((k) => k === n || k.replace(/^(download|cached) /, 'file ') === n);
    return key === undefined ? '–' : `${m.get(key).toFixed(0)} ms${key.startsWith('cached') ? ' (IndexedDB)' : key.startsWith('download') ? ' (network)' : ''}`;
  };
  return `ko-classify's start, first run, by phase (when the page heard of each; \`file X\` = X fully read):

| phase | cold | warm |
| --- | --- | --- |
${names.map((n) => `| ${n} | ${at(c, n)} | ${at(w, n)} |`).join('\n')}`;
}


/** The goals of the summary rows (issue: performance, round two). */
const GOALS = { throughput: 2.0, p50: 0.7, steadyP50: 0.6, coldNet: 0.6, coldNetFloor: 1.3, warm: 0.5, warmMs: 600, memPeak: 0.6, workerGz: 40 * 1024, hostGz: 6 * 1024, gemm: 0.5, bulk: 2.0, bulkRss: 1.25 };

/** The time the bytes alone take over the emulated link. */
const floorMs = (bytes) => ((bytes ?? 0) * 8) / (NETWORK.downloadMbit * 1e6) * 1000;

function summaryTable(d, g) {
  const { ko, tjs } = d.fig;
  const sp = (list) => (list?.length ? `${Math.min(...list).toFixed(2)}–${Math.max(...list).toFixed(2)}` : '–');
  const mark = (ok) => (ok ? 'yes' : '**no**');
  const rows = [
    ['throughput ratio', x(ko.sps / tjs.sps), `${ko.sps.toFixed(0)} vs ${tjs.sps.toFixed(0)} sentences/s`, sp(d.spreads.throughput), `≥ ${GOALS.throughput}×`, Math.min(...d.spreads.throughput) >= GOALS.throughput],
    ['p50 latency ratio', x(ko.p50 / tjs.p50), `${ms(ko.p50)} vs ${ms(tjs.p50)}, first ${d.latencyCalls} calls`, sp(d.spreads.p50), `≤ ${GOALS.p50}×`, Math.max(...d.spreads.p50) <= GOALS.p50],
    ['steady p50 latency ratio', x(ko.steadyP50 / tjs.steadyP50), `${ms(ko.steadyP50)} vs ${ms(tjs.steadyP50)}, the same calls after the batch`, sp(d.spreads.steadyP50), `≤ ${GOALS.steadyP50}× every run`, Math.max(...d.spreads.steadyP50) <= GOALS.steadyP50],
    ['same text, same answer', `${d.runs.ko.sameAnswer.any} of ${d.runs.ko.sameAnswer.n}`, `sentences whose label or score (by more than 1e-6) differs between one call, shuffled calls of 32 and one per call (largest gap ${d.runs.ko.sameAnswer.maxGap.toExponential(1)}); transformers.js on the same model: ${d.runs.tjs.sameAnswer.any}`, '', '0', d.runs.ko.sameAnswer.any === 0],
    [`cold start ${NETWORK.downloadMbit} Mbit ratio`, x(ko.coldNet / tjs.coldNet), `${ms(ko.coldNet)} vs ${ms(tjs.coldNet)}, ${NETWORK.rttMs} ms RTT, served as a host would (brotli for JS, JSON and wasm; ONNX as is)`, sp(d.spreads.coldNet), `≤ ${GOALS.coldNet}×`, ko.coldNet / tjs.coldNet <= GOALS.coldNet],
    [`cold start ${NETWORK.downloadMbit} Mbit vs its floor`, x(ko.coldNet / floorMs(ko.coldNetBytes)), `${ms(ko.coldNet)} for ${mb(ko.coldNetBytes)} on the wire; floor = bytes ÷ ${NETWORK.downloadMbit} Mbit/s = ${ms(floorMs(ko.coldNetBytes))} (transformers.js: ${mb(tjs.coldNetBytes)}, ${x(tjs.coldNet / floorMs(tjs.coldNetBytes))})`, sp(d.runs.ko.coldNet.map((t, i) => t / floorMs(d.runs.ko.coldNetBytes[i]))), `≤ ${GOALS.coldNetFloor}×`, ko.coldNet / floorMs(ko.coldNetBytes) <= GOALS.coldNetFloor],
    ['warm start', ms(ko.warm), `a new page in the same profile, from the call to the first result (transformers.js: ${ms(tjs.warm)}); runtime and model from IndexedDB`, `${Math.min(...d.runs.ko.warm).toFixed(0)}–${Math.max(...d.runs.ko.warm).toFixed(0)} ms`, `≤ ${GOALS.warmMs} ms`, ko.warm <= GOALS.warmMs],
    ['warm start ratio', x(ko.warm / tjs.warm), `${ms(ko.warm)} vs ${ms(tjs.warm)} (IndexedDB vs Cache Storage)`, sp(d.spreads.warm), `≤ ${GOALS.warm}×`, ko.warm / tjs.warm <= GOALS.warm],
    ['peak memory ratio', x(ko.memPeak / tjs.memPeak), `${mb(ko.memPeak)} vs ${mb(tjs.memPeak)} peak of the page's renderer (page + workers) by the end of ${d.sample.texts.length} sentences (resident after load: ${mb(ko.memLoad)} vs ${mb(tjs.memLoad)})`, sp(d.spreads.memPeak), `≤ ${GOALS.memPeak}×`, ko.memPeak / tjs.memPeak <= GOALS.memPeak],
    ['main-thread long tasks', String(ko.longTasks), `during the ${d.sample.texts.length}-sentence batch (transformers.js: ${tjs.longTasks})`, '', '0', ko.longTasks === 0],
    ['host JS gz bytes', String(d.bytes.ko.host), `transformers.js page: ${d.bytes.tjs.host}`, '', `≤ ${GOALS.hostGz}`, d.bytes.ko.host <= GOALS.hostGz],
    ['worker JS gz bytes', String(d.bytes.ko.worker), `transformers.js: ${d.bytes.tjs.worker}`, '', `≤ ${GOALS.workerGz}`, d.bytes.ko.worker <= GOALS.workerGz],
    ['int8 GEMM efficiency', pctS(g.achieved / g.peak), `${g.achieved.toFixed(1)} of ${g.peak.toFixed(1)} GOP/s peak; transformers.js ${pctS(g.tjsAchieved / g.peak)}`, '', `≥ ${GOALS.gemm * 100}%`, g.achieved / g.peak >= GOALS.gemm],
  ];
  const b = d.bulk;
  const bulk = b
    ? [
        ['Node bulk rows/s vs transformers.js (onnxruntime-node)', x(b.two.rowsPerSecond / b.tjs2.rowsPerSecond), `ko-classify classify ${b.two.rowsPerSecond}/s on 2 threads (${b.two.rows.toLocaleString('en-US')} rows), ${b.one.rowsPerSecond}/s on 1; transformers.js pipeline ${b.tjs2.rowsPerSecond}/s on 2, ${b.tjs1.rowsPerSecond}/s on 1 (${b.tjs2.rows.toLocaleString('en-US')} rows); 1 thread: ${x(b.one.rowsPerSecond / b.tjs1.rowsPerSecond)}`, '', `≥ ${GOALS.bulk}×`, b.two.rowsPerSecond / b.tjs2.rowsPerSecond >= GOALS.bulk],
        ['Node bulk peak RSS, 100,000 vs 10,000 rows', x(b.two.peakRssMb / b.small.peakRssMb), `${b.two.peakRssMb} MB vs ${b.small.peakRssMb} MB (2 threads, onnxruntime-node)`, '', `≤ ${GOALS.bulkRss}×`, b.two.peakRssMb / b.small.peakRssMb <= GOALS.bulkRss],
      ].map(([name, v, detail, spread, goal, ok]) => `\n| ${name} | ${v} | ${detail} | ${spread} | ${goal} | ${mark(ok)} |`).join('')
    : '';
  return `| figure | median | detail | spread over ${d.reps} runs | goal | met |
| --- | --- | --- | --- | --- | --- |
${rows.map(([name, v, detail, spread, goal, ok]) => `| ${name} | ${v} | ${detail} | ${spread} | ${goal} | ${mark(ok)} |`).join('\n')}${bulk}`;
}

function profileSection(profile, latencyCalls) {
  if (!profile?.length) return '';
  const phases = ['tokenize', 'batch', 'tensors', 'run', 'copy', 'post'];
  const ops = Object.entries(profile[0].ops ?? {}).sort((a, b) => b[1].us - a[1].us);
  const opsTotal = ops.reduce((a, [, v]) => a + v.us, 0);
  const rounds = profile[0].runByRound.length;
  return `## One call, by phase

Inside a Worker on ko-classify's ORT build, its engine's steps for one sentence at a time: the first
${latencyCalls} sample sentences after a warm-up of 30 calls, ${rounds} times over; the phases are medians (ms) of round ${rounds}, the steady state. What the summary's per-call latency adds on top is the
page ↔ worker round trip (Comlink \`postMessage\` both ways) and the worker's call queue.

| variant | run, round 1 | ${phases.join(' | ')} | total | session create | runtime start |
| --- | --- | ${phases.map(() => '---').join(' | ')} | --- | --- | --- |
${profile.map((v) => `| ${v.name} | ${v.runByRound[0].toFixed(3)} | ${phases.map((p) => v.phases[p].toFixed(3)).join(' | ')} | ${v.total.toFixed(2)} | ${v.createMs.toFixed(0)} | ${(v.firstCreateMs - v.createMs).toFixed(0)} |`).join('\n')}

Session create: \`Engine.create\` (tokenizer + ONNX session) in a worker whose ORT runtime already
runs and has created this session once. Runtime start: what the worker's first \`Engine.create\`
took on top of that, ms: wasm instantiation, the thread pool's workers, and the first session's
graph optimisation running on WebAssembly code V8 has not yet tiered up.

Median \`run\` per round of ${latencyCalls} calls: ${profile.map((v) => `${v.name} ${v.runByRound.map((x) => x.toFixed(2)).join(' → ')} ms`).join('; ')}.
V8 first runs ORT's WebAssembly on baseline (Liftoff) code and compiles hot functions with TurboFan in the
background as they run (dynamic tiering), so round 1, which is what the summary's first-300 p50 sees, can be
slower than later rounds; compare variants by their steady state.

Inside \`run\` (${profile[0].name}), ORT's own profiler over the first calls after session creation: each
operator type's share of the kernel time (after ORT's graph fusions). On WASM the profiler prints every
event to the console as it runs, which stretches each kernel several-fold (${(opsTotal / 1000).toFixed(1)} ms of kernel time per
profiled call against ${profile[0].runByRound[0].toFixed(2)} ms per unprofiled run in round 1): read the shares, not the durations.

| operator | share of kernel time | nodes |
| --- | --- | --- |
${ops.slice(0, 12).map(([op, v]) => `| ${op} | ${((100 * v.us) / opsTotal).toFixed(1)}% | ${v.count.toFixed(0)} |`).join('\n')}

`;
}

export function renderReport(d) {
  const { root, model: MODEL, modelDir, threads: THREADS, reps: REPS, chromiumVersion, runs, bytes, gemm, bulk, checks, agreement, selfAgreement, latencyCalls: LATENCY_CALLS } = d;
  const { texts, config, tokenCounts, totalTokens, gemmOpsPerToken } = d.sample;
  const { ko, tjs } = d.fig;
  const h = config.hidden_size;
  const ffn = config.intermediate_size;
  const throughputRatio = d.ratios.throughput;
  const p50Ratio = d.ratios.p50;
  const peak = Math.max(...gemm.map((g) => g.gops));
  const achieved = (gemmOpsPerToken * totalTokens) / (ko.batchMs / 1000) / 1e9;
  const tjsAchieved = (gemmOpsPerToken * totalTokens) / (tjs.batchMs / 1000) / 1e9;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const { tjs: tjsVersion, koOrt, tjsOrt } = d.versions;
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  return `# Benchmarks

ko-classify vs the \`@huggingface/transformers\` ${tjsVersion} \`text-classification\` pipeline, measured side by side in one run of
\`npm run bench\` (commit ${commit}, ${new Date().toISOString().slice(0, 10)}).

${summaryTable(d, { achieved, peak, tjsAchieved })}

Machine: ${cpu}, ${os.availableParallelism()} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()};
headless Chromium ${chromiumVersion}; Node ${process.version}. WASM threads: ${THREADS} for both (pages cross-origin isolated).
Runs: ${REPS} per library, alternating which goes first; medians are reported.

## Setup

- Model: \`public/models/${MODEL}/onnx/model_int8.onnx\` (${mb(statSync(join(modelDir, 'onnx/model_int8.onnx')).size)}, MatMulInteger int8, 4-bit word embeddings) for
  ko-classify with \`dtype: 'int8', backend: 'wasm'\`; transformers.js with \`dtype: 'int8', device: 'wasm'\` loads the same model's int8 file as
  of 0.3.0 (the same weights with 8-bit embeddings, ${mb(statSync(join(d.tjsModels ?? modelDir, MODEL, 'onnx/model_int8.onnx')).size)}): its onnxruntime-web has no CPU kernel for the
  GatherBlockQuantized that reads the 4-bit table.
- Runtime: ko-classify ships onnxruntime-web ${koOrt} (its plain \`ort-wasm-simd-threaded\` build); transformers.js ${tjsVersion}
  ships onnxruntime-web ${tjsOrt} and by default loads its \`.asyncify\` build from a CDN: here the same file is served
  locally (${bytes.tjs.wasmFiles.join(', ')}).
- Both run in a dedicated Worker created by the page; timings are taken in the page around the awaited call.
  Workers each page started (its worker + ORT's extra WASM threads): ko-classify ${runs.ko.workers}, transformers.js ${runs.tjs.workers}.
- Sample: every 5th row of NSMC \`dev.tsv\` — ${texts.length} sentences, ${totalTokens} tokens (mean ${(totalTokens / texts.length).toFixed(1)}, max ${Math.max(...tokenCounts)}, including [CLS]/[SEP]).

## Throughput: ${texts.length} sentences in one call

| | ko-classify | transformers.js |
| --- | --- | --- |
| time (median of ${REPS}) | ${ms(ko.batchMs)} | ${ms(tjs.batchMs)} |
| sentences/s | ${ko.sps.toFixed(0)} | ${tjs.sps.toFixed(0)} |
| sentences/s as ${Math.ceil(texts.length / 32)} calls of 32 in input order | ${ko.chunkSps.toFixed(0)} | ${tjs.chunkSps.toFixed(0)} |
| accuracy on the sample | ${pctS(ko.accuracy)} | ${pctS(tjs.accuracy)} |
| main-thread long tasks (> 50 ms) | ${ko.longTasks} | ${tjs.longTasks} (longest ${ms(tjs.longestTaskMs)}) |

Why: the transformers.js pipeline tokenizes a call's texts with padding to the longest (${Math.max(...tokenCounts)} tokens here) and
runs them as one batch; ko-classify sorts them by length and cuts runs where padding would cost more than a run. The
calls-of-32 row shows the same effect inside small calls.

Labels: ko-classify and transformers.js agree on ${pctS(agreement)} of the sample (the same model, its embeddings in 4 and in 8 bits, on two
builds of onnxruntime-web). Same text, same answer — of the ${runs.ko.sameAnswer.n} sentences, how many get another label or a score more
than 1e-6 away than in the one big call:

| | ko-classify | transformers.js |
| --- | --- | --- |
| in shuffled calls of 32 | ${runs.ko.sameAnswer.shuffled} | ${runs.tjs.sameAnswer.shuffled} |
| one per call | ${runs.ko.sameAnswer.each} | ${runs.tjs.sameAnswer.each} |
| either (labels among them) | ${runs.ko.sameAnswer.any} (${runs.ko.sameAnswer.labels}) | ${runs.tjs.sameAnswer.any} (${runs.tjs.sameAnswer.labels}) |

The int8 file quantizes activations at scales calibrated when it was made and fixed in it, so a sentence's batch
neighbours and padding no longer move its scores (per-run \`DynamicQuantizeLinear\` took one scale from the whole batch).
ko-classify's labels one sentence per call equal its labels in the one big call on ${pctS(selfAgreement)} of the ${LATENCY_CALLS} latency sentences.

## Latency: ${LATENCY_CALLS} sequential single-sentence calls

The first ${LATENCY_CALLS} calls after the warm start (the summary's p50), then the same calls once more after the batch run.

| | ko-classify | transformers.js | ratio |
| --- | --- | --- | --- |
| p50 | ${ms(ko.p50)} | ${ms(tjs.p50)} | ${x(p50Ratio)} |
| p95 | ${ms(ko.p95)} | ${ms(tjs.p95)} | ${x(ko.p95 / tjs.p95)} |
| p50, steady state (the same calls again after the batch) | ${ms(ko.steadyP50)} | ${ms(tjs.steadyP50)} | ${x(ko.steadyP50 / tjs.steadyP50)} |
| p95, steady state | ${ms(ko.steadyP95)} | ${ms(tjs.steadyP95)} | ${x(ko.steadyP95 / tjs.steadyP95)} |

## Start to first result

From the page's call (worker spawn, code and wasm, model, session, first classification) to the first result.

| | ko-classify | transformers.js | ratio |
| --- | --- | --- | --- |
| cold (new empty browser profile on disk, all from localhost) | ${ms(ko.cold)} | ${ms(tjs.cold)} | ${x(ko.cold / tjs.cold)} |
| cold over ${NETWORK.downloadMbit} Mbit/s, ${NETWORK.rttMs} ms RTT (CDP network emulation; brotli for JS, JSON and wasm as a host sends them, ONNX as is) | ${ms(ko.coldNet)} | ${ms(tjs.coldNet)} | ${x(ko.coldNet / tjs.coldNet)} |
| bytes on the wire for that cold start (from the call on) | ${mb(ko.coldNetBytes)} | ${mb(tjs.coldNetBytes)} | ${x(ko.coldNetBytes / tjs.coldNetBytes)} |
| its floor (bytes ÷ ${NETWORK.downloadMbit} Mbit/s), and the cold start over it | ${ms(floorMs(ko.coldNetBytes))}, ${x(ko.coldNet / floorMs(ko.coldNetBytes))} | ${ms(floorMs(tjs.coldNetBytes))}, ${x(tjs.coldNet / floorMs(tjs.coldNetBytes))} | |
| warm (a new page in that profile after the first closed) | ${ms(ko.warm)} | ${ms(tjs.warm)} | ${x(ko.warm / tjs.warm)} |
| model requests on the warm start | ${Math.max(...runs.ko.warmModelRequests)} (IndexedDB) | ${Math.max(...runs.tjs.warmModelRequests)} (Cache Storage) | |

${phaseTable(runs.ko.coldPhases, runs.ko.warmPhases)}
${d.hosting ? `
Two models on one page (ko-sentiment and ko-moderation, int8, ${d.threads} threads; \`bench/hosting.mjs\`): bare ORT
sessions in one worker hosting both (one runtime, one thread pool) against one worker per model (a
runtime and a thread pool each); then ko-classify itself, whose shared classifiers (the default) host
both models in one worker, against \`shared: false\` (a worker each). Medians of 3 fresh browsers each.

| | bare ORT, one worker | bare ORT, a worker each | ko-classify, shared | ko-classify, \`shared: false\` |
| --- | --- | --- | --- | --- |
| load both (ms) | ${['one', 'each', 'sdk-one', 'sdk-each'].map((m) => (d.hosting[m] ? d.hosting[m].loadMs.toFixed(0) : '—')).join(' | ')} |
| renderer memory after load | ${['one', 'each', 'sdk-one', 'sdk-each'].map((m) => (d.hosting[m] ? mb(d.hosting[m].memory) : '—')).join(' | ')} |
| one model's call, p50 | ${['one', 'each', 'sdk-one', 'sdk-each'].map((m) => (d.hosting[m] ? ms(d.hosting[m].sequential) : '—')).join(' | ')} |
| both models on the same text at once, p50 | ${['one', 'each', 'sdk-one', 'sdk-each'].map((m) => (d.hosting[m] ? ms(d.hosting[m].together) : '—')).join(' | ')} |
` : ''}
## Bytes (gzip -9 of what the cold start fetched)

| | ko-classify | transformers.js | ratio |
| --- | --- | --- | --- |
| host JS (the page's own module graph, bench glue included) | ${kb(bytes.ko.host)} | ${kb(bytes.tjs.host)} | ${x(bytes.ko.host / bytes.tjs.host)} |
| worker JS (library, tokenizer, ORT glue) | ${kb(bytes.ko.worker)} | ${kb(bytes.tjs.worker)} | ${x(bytes.ko.worker / bytes.tjs.worker)} |
| wasm | ${kb(bytes.ko.wasm)} | ${kb(bytes.tjs.wasm)} | ${x(bytes.ko.wasm / bytes.tjs.wasm)} |
| model files (uncompressed) | ${mb(bytes.ko.model)} | ${mb(bytes.tjs.model)} | |

transformers.js has no page-side API (its users write their own worker glue), so its host figure is this bench's glue alone.
${d.modelFiles ? `
The shipped models' files (bytes; scores in each model's card, \`public/models/*/README.md\`):

| model | int8 (WASM) | int4 (WebGPU) | fp32 |
| --- | --- | --- | --- |
${d.modelFiles.map((m) => `| ${m.model} | ${m.files['model_int8.onnx']?.toLocaleString('en-US') ?? '–'} | ${m.files['model_q4.onnx']?.toLocaleString('en-US') ?? '–'} | ${m.files['model.onnx']?.toLocaleString('en-US') ?? '–'} |`).join('\n')}
` : ''}
## int8 GEMM efficiency

MatMulInteger alone (uint8 × int8, per-column zero points, as in the model) on ko-classify's onnxruntime-web ${koOrt},
${THREADS} threads, best of many runs:

| M×K×N | best | GOP/s |
| --- | --- | --- |
${gemm.map((g) => `| ${g.name} | ${ms(g.bestMs)} | ${g.gops.toFixed(1)} |`).join('\n')}

Peak: ${peak.toFixed(1)} GOP/s. The model does ${(gemmOpsPerToken / 1e6).toFixed(2)} MOP of int8 GEMM per token
(${config.num_hidden_layers} layers × (4·${h}² + 2·${h}·${ffn}) × 2), i.e. ${((gemmOpsPerToken * totalTokens) / texts.length / 1e6).toFixed(1)} MOP per
sentence on the sample (padding not counted). At ${ko.sps.toFixed(0)} sentences/s that is ${achieved.toFixed(1)} GOP/s = ${pctS(achieved / peak)}
of peak (transformers.js: ${tjsAchieved.toFixed(1)} GOP/s, ${pctS(tjsAchieved / peak)}). The rest of the time goes to attention
(float MatMuls over the disentangled c2p/p2c terms), quantizing activations, layer norms, GELU, tokenization and padding.

${profileSection(d.profile, LATENCY_CALLS)}${bulk ? bulkSection(bulk) : ''}${d.embeddings ? embeddingsSection(d.embeddings) : ''}## Bounds

\`npm run bench\` exits 1 when one of these fails (\`--no-check\` reports only):
${checks.map(([name, ok]) => `- ${ok ? 'pass' : '**FAIL**'}: ${name}`).join('\n')}
`;
}

export function embeddingsSection(e) {
  const sp = (list, f = (v) => v.toFixed(0)) => (list?.length ? `${f(Math.min(...list))}–${f(Math.max(...list))}` : '–');
  const backendName = (b) => ({ wasm: 'onnxruntime-web WASM', cpu: 'onnxruntime-node (CPU)', webgpu: 'onnxruntime-web WebGPU' })[b] ?? b;
  const row = (name, r) => `| ${name} | ${backendName(r.load.backend)} | ${r.perSecond.toFixed(0)} (${sp(r.perSecondRuns)}) | ${ms(r.singleP50)} / ${ms(r.singleP95)} | ${r.sameBits} of 100 (largest gap ${r.maxDiffAloneVsBatch.toExponential(1)}) | ${ms(r.teachMs)} (${sp(r.teachRuns)}) | ${ms(r.headMs)} |`;
  return `## Sentence embeddings and teach: ko-sentence

\`createEncoder({ model: 'ko-sentence', dtype: 'int8' })\`, ${e.threads} threads (\`bench/embeddings.mjs\`): the same ${e.texts.toLocaleString('en-US')} NSMC dev
sentences in one \`embed()\` call (${e.reps} runs), then 100 of them one call each, compared bit for bit with the big call;
then \`teach()\` on ${e.examples} examples (100 per label, NSMC train text), which embeds them in the worker and trains the
head there (cross-validated accuracy of that head: ${e.page.cvAccuracy === null ? '–' : pctS(e.page.cvAccuracy)}). Goal: teach under 1 s for 200 examples.

| where | backend | embeddings/s (spread) | one text p50 / p95 | alone = inside the big call | teach(${e.examples}) (spread) | of which the head |
| --- | --- | --- | --- | --- | --- | --- |
${row('page (Chromium worker)', e.page)}
${row('Node (in-process)', e.node)}

`;
}

function bulkSection(b) {
  const row = (name, r) => `| ${name} | ${r.runtime === 'node' ? 'onnxruntime-node' : 'onnxruntime-web WASM'} | ${r.rows.toLocaleString('en-US')} | ${r.threads} | ${r.rowsPerSecond} | ${r.seconds.toFixed(1)} s | ${r.peakRssMb} MB |`;
  const i = b.install;
  return `## Bulk classification on Node: \`ko-classify classify\` and transformers.js

The first rows of NSMC \`train.tsv\` (\`--text-col document\`), int8 (\`onnx/model_int8.onnx\`), in one run.
ko-classify: the built CLI, one single-threaded ONNX session per worker thread, length-sorted batches of
32, JSON Lines written to disk (rows stream through: memory does not grow with the file).
transformers.js ${b.tjsVersion}: its \`text-classification\` pipeline on Node (\`device: 'cpu'\` = onnxruntime-node,
\`intraOpNumThreads\` = threads), rows in order in batches of 32 (\`bench/tjs-node.mjs\`). Labels agree with
transformers.js on ${(100 * b.agreement.tjs).toFixed(2)}% of the ${b.small.rows.toLocaleString('en-US')} rows, and between
ko-classify's two runtimes on ${(100 * b.agreement.web).toFixed(2)}%.

| library | runtime | rows | threads | rows/s | time | peak RSS (process) |
| --- | --- | --- | --- | --- | --- | --- |
${[['ko-classify', b.small], ['ko-classify', b.one], ['ko-classify', b.two], ['ko-classify (default install)', b.web1], ['ko-classify (default install)', b.web2], ['transformers.js', b.tjs1], ['transformers.js', b.tjs2]].map(([n, r]) => row(n, r)).join('\n')}

Install: \`npm i @ko-classify/cli\` from its packed tarballs into an empty folder takes only the npm registry
and runs no install script that downloads: ${i.web.mb.toFixed(0)} MB of \`node_modules\` (onnxruntime-web ${i.ortWebMb.toFixed(0)} MB), ${i.web.seconds.toFixed(0)} s here.
The README's opt-in for native speed (\`npm pkg set allowScripts.onnxruntime-node=false --json\` then
\`npm i onnxruntime-node\`) adds ${(i.native.mb - i.web.mb).toFixed(0)} MB (onnxruntime-node ${i.native.ortNodeMb.toFixed(0)} MB; ${i.native.seconds.toFixed(0)} s): ${i.native.mb.toFixed(0)} MB in all.

`;
}

// `node bench/report.mjs DATA.json [OUT.md]`: render the report again from a run's saved measurements.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2]) {
  const out = process.argv[3] ?? join(import.meta.dirname, '..', 'BENCHMARKS.md');
  writeFileSync(out, renderReport(JSON.parse(readFileSync(process.argv[2], 'utf8'))));
  console.log(`wrote ${out}`);
}
