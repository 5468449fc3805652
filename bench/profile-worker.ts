/**
 * One single-sentence call of ko-classify's engine, phase by phase, inside a Worker on the ORT build
 * it ships: tokenize, batch, tensors, ONNX run, logits copy and tensor release, post-processing. With
 * `ops`, ORT's own profiler (printed to the console on WASM) is captured and summed per operator type.
 * ORT is imported dynamically, as ko-classify's worker does (its threads start workers from ORT's chunk).
 */
import { Engine, batchFeeds, logitsOutput, makeBatches, postprocess } from '@ko-classify/core/engine';

export interface ProfileRequest {
  texts: string[];
  threads: number;
  modelUrl: string;
  file: string;
  /** Capture ORT's per-operator profile over the first `ops` calls (0: off). */
  ops: number;
  /** The texts are measured this many times over, so later rounds show the steady state. */
  rounds?: number;
  sessionOptions?: Record<string, unknown>;
}
export type Phase = 'tokenize' | 'batch' | 'tensors' | 'run' | 'copy' | 'post';
export interface ProfileResult {
  /** Per call, ms of each phase, round after round. */
  calls: Record<Phase, number>[];
  /** Operator type → mean µs per call (ORT profiler), when `ops` > 0. */
  ops: Record<string, { us: number; count: number }> | null;
  /** Engine.create in a worker whose runtime already runs: the session alone. */
  createMs: number;
  /** The worker's first Engine.create, which also starts the runtime (wasm, thread pool) on cold code. */
  firstCreateMs: number;
}

self.onmessage = async ({ data }: MessageEvent<ProfileRequest>) => {
  try {
    const captured: string[] = [];
    if (data.ops) {
      const log = console.log.bind(console);
      console.log = (...a: unknown[]) => {
        const s = a.map(String).join(' ');
        if (s.includes('"cat"')) captured.push(s);
        else log(...a);
      };
    }
    const ort = await import('onnxruntime-web/wasm');
    ort.env.wasm.numThreads = data.threads;
    ort.env.logLevel = 'error';
    const get = async (f: string) => new Uint8Array(await (await fetch(new URL(f, data.modelUrl))).arrayBuffer());
    const json = async (f: string) => JSON.parse(new TextDecoder().decode(await get(f))) as unknown;
    const files = { config: await json('config.json'), tokenizer: await json('tokenizer.json'), tokenizerConfig: await json('tokenizer_config.json'), model: await get(data.file) };
    const sessionOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3, ...data.sessionOptions } as const;
    // As the product loads it (a file `ko-classify optimize` marked runs with ORT's optimiser off),
    // unless the variant sets a level itself.
    const trustOptimizedGraph = data.sessionOptions?.graphOptimizationLevel === undefined;
    // The first session of a worker also starts ORT's runtime (wasm instantiation, the thread pool's
    // workers) and runs on WebAssembly code V8 has not tiered up yet; the second is the session alone.
    let t0 = performance.now();
    await (await Engine.create(ort, files, { sessionOptions, trustOptimizedGraph })).release();
    const firstCreateMs = performance.now() - t0;
    t0 = performance.now();
    const engine = await Engine.create(ort, files, { sessionOptions: { ...sessionOptions, enableProfiling: data.ops > 0 }, trustOptimizedGraph });
    const createMs = performance.now() - t0;
    const session = engine.session;
    const padId = (files.config as { pad_token_id?: number }).pad_token_id ?? 0;
    const output = logitsOutput(session.outputNames);
    const one = async (text: string): Promise<Record<Phase, number>> => {
      const a = performance.now();
      const encoded = engine.encode([text]);
      const b = performance.now();
      const [batch] = [...makeBatches(encoded, 32, padId)];
      const c = performance.now();
      const feeds = batchFeeds(ort.Tensor, session.inputNames, batch!);
      const d = performance.now();
      const out = await session.run(feeds);
      const e = performance.now();
      const logits = (out[output]!.data as Float32Array).slice();
      for (const t of Object.values(out)) t.dispose();
      for (const t of Object.values(feeds)) t.dispose();
      const f = performance.now();
      postprocess(logits, engine.config, {});
      const g = performance.now();
      return { tokenize: b - a, batch: c - b, tensors: d - c, run: e - d, copy: f - e, post: g - f };
    };
    let ops: ProfileResult['ops'] = null;
    if (data.ops) {
      for (const t of data.texts.slice(0, data.ops)) await one(t);
      await (session as unknown as { endProfiling(): Promise<void> | void }).endProfiling();
      ops = {};
      for (const line of captured) {
        let e: { cat?: string; name?: string; dur?: number; args?: { op_name?: string } };
        try {
          e = JSON.parse(line.trim().replace(/,$/, ''));
        } catch {
          continue;
        }
        if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || !e.args?.op_name) continue;
        const op = (ops[e.args.op_name] ??= { us: 0, count: 0 });
        op.us += (e.dur ?? 0) / data.ops;
        op.count += 1 / data.ops;
      }
    }
    // Warm-up, then the measured calls.
    for (const t of data.texts.slice(0, 30)) await one(t);
    const calls: Record<Phase, number>[] = [];
    for (let r = 0; r < (data.rounds ?? 1); r++) for (const t of data.texts) calls.push(await one(t));
    await engine.release();
    self.postMessage({ result: { calls, ops, createMs, firstCreateMs } satisfies ProfileResult });
  } catch (e) {
    self.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
};
