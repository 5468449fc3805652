import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { KoClassifyError } from '../errors.js';
import { sessionOptionsFor } from './onnx-metadata.js';
import type { Classification, ClassifyOptions } from '../types.js';
import type { EmbedOptions } from '../encoder-types.js';
import { makeBatches, type Batch } from './batch.js';
import { embedTexts, embeddingOutput, isBlankText } from './embed.js';
import { defaultMaxLength, parseModelConfig, type ModelConfig } from './model-config.js';
import { decide, effectiveThresholds, emptyResult, postprocess } from './postprocess.js';
import { Tokenizer, normalizeInput, type Encoded } from './tokenize.js';

/**
 * The slice of the onnxruntime API the engine uses. `onnxruntime-web` and `onnxruntime-node`
 * both satisfy it, so the worker, the CLI and the Node tests share one engine.
 */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: typeof Tensor;
}

/** One padded batch as the graph takes it: int64 `[rows, width]` ids, mask and (optional) token types. */
export interface BatchInput {
  ids: BigInt64Array;
  mask: BigInt64Array;
  /** Default: all zeros (one segment). */
  typeIds?: BigInt64Array;
  rows: number;
  width: number;
}

/**
 * The feeds of a Hugging Face text-classification graph for one batch: `input_ids`, `attention_mask`
 * and, where the graph has the input, `token_type_ids`. One builder for the engine, the CLI's
 * `optimize` parity check and the bench's profile (any ORT build's Tensor).
 */
export function batchFeeds<T>(Tensor: new (type: 'int64', data: BigInt64Array, dims: readonly number[]) => T, inputNames: readonly string[], b: BatchInput): Record<string, T> {
  const dims = [b.rows, b.width];
  const feeds: Record<string, T> = { input_ids: new Tensor('int64', b.ids, dims), attention_mask: new Tensor('int64', b.mask, dims) };
  if (inputNames.includes('token_type_ids')) feeds.token_type_ids = new Tensor('int64', b.typeIds ?? new BigInt64Array(b.ids.length), dims);
  return feeds;
}

/** The graph output holding the logits: `logits` where the export names it, else the first. */
export function logitsOutput(outputNames: readonly string[]): string {
  return outputNames.includes('logits') ? 'logits' : outputNames[0]!;
}

/** The parsed files of a model directory plus the ONNX bytes of the chosen dtype. */
export interface EngineFiles {
  config: unknown;
  tokenizer: unknown;
  tokenizerConfig: unknown;
  model: Uint8Array;
}

export interface EngineOptions {
  sessionOptions?: InferenceSession.SessionOptions;
  /** Overrides the default max tokens (tokenizer's model_max_length). */
  maxLength?: number;
  /**
   * A file `ko-classify optimize` marked is loaded with ORT's graph optimiser off (default true):
   * false applies `sessionOptions` as given (experiments comparing levels).
   */
  trustOptimizedGraph?: boolean;
  /**
   * Runs each ORT call (session creation, each run) alone among the sessions that share it: one
   * worker hosting several models passes one lock to all (ORT-web's WebGPU backend fails on runs of
   * two sessions at once). Default: none.
   */
  exclusive?: Exclusive;
}

/** Runs `task` when no other task of the same lock runs. */
export type Exclusive = <T>(task: () => Promise<T>) => Promise<T>;

/** A lock for `EngineOptions.exclusive`: tasks run one at a time, in call order. */
export function exclusiveLock(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

const alone: Exclusive = (task) => task();
const DEFAULT_BATCH = 32;

/**
 * Tokenizer → ONNX session → post-processing, independent of where it runs.
 *
 * @example
 * const engine = await Engine.create(ort, files);
 * const [r] = await engine.classify(['정말 재밌어요'], {});
 * console.log(r.label, r.score);
 */
export class Engine {
  /** The graph output a run fetches: the logits, or an encoder's embeddings. */
  private readonly outputName: string;

  private constructor(
    private readonly ort: OrtModule,
    readonly session: InferenceSession,
    readonly config: ModelConfig,
    readonly tokenizer: Tokenizer,
    private readonly padId: number,
    private readonly exclusive: Exclusive,
  ) {
    this.outputName = config.embedding ? config.embedding.output : logitsOutput(session.outputNames);
  }

  static async create(ort: OrtModule, files: EngineFiles, options: EngineOptions = {}): Promise<Engine> {
    const config = parseModelConfig(files.config);
    const maxLength = options.maxLength ?? defaultMaxLength(config, files.tokenizerConfig);
    const tokenizer = await Tokenizer.create(files.tokenizer, files.tokenizerConfig, maxLength);
    const padId = padTokenId(files.config, files.tokenizerConfig, tokenizer);
    let session: InferenceSession;
    try {
      const sessionOptions = options.trustOptimizedGraph === false ? options.sessionOptions : sessionOptionsFor(options.sessionOptions, files.model);
      session = await (options.exclusive ?? alone)(() => ort.InferenceSession.create(files.model, sessionOptions));
    } catch (e) {
      throw new KoClassifyError('MODEL_INVALID', `the ONNX model could not be loaded: ${(e as Error).message}`);
    }
    for (const name of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new KoClassifyError('MODEL_INVALID', `the ONNX model has no "${name}" input (inputs: ${session.inputNames.join(', ')})`);
      }
    }
    if (config.embedding && !session.outputNames.includes(config.embedding.output)) {
      await session.release();
      embeddingOutput(config.embedding, session.outputNames); // throws MODEL_INVALID naming the outputs
    }
    return new Engine(ort, session, config, tokenizer, padId, options.exclusive ?? alone);
  }

  /** Validates and tokenizes inputs; throws INVALID_INPUT naming the first bad one. */
  encode(inputs: readonly unknown[], options: ClassifyOptions = {}): Encoded[] {
    const maxLength = this.checkedMaxLength(options);
    return inputs.map((v, i) => this.tokenizer.encode(normalizeInput(v, i), maxLength));
  }

  private checkedMaxLength(options: ClassifyOptions): number {
    const maxLength = options.maxLength ?? this.tokenizer.maxLength;
    if (!Number.isInteger(maxLength) || maxLength < 4) {
      throw new KoClassifyError('INVALID_INPUT', `maxLength must be an integer ≥ 4, got ${String(maxLength)}`);
    }
    return maxLength;
  }

  /**
   * Classifies inputs (strings or `{ text, textPair }`) and returns results in input order.
   * `checkpoint` runs before every batch: it may throw to stop (cancellation) or await to let the
   * host's event loop run (a worker must, or it never sees a cancel message during a long call).
   */
  async classify(inputs: readonly unknown[], options: ClassifyOptions = {}, checkpoint?: () => void | Promise<void>): Promise<Classification[]> {
    if (this.config.embedding) throw new KoClassifyError('INVALID_INPUT', 'this model is a sentence encoder: use createEncoder()/embed(), or teach() a head');
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new KoClassifyError('INVALID_INPUT', `batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    // A bad threshold fails the call before any run, not after the first batch.
    decide(Object.fromEntries(this.config.labels.map((l) => [l, 0])), this.config, options);
    // Options are checked even when every text is blank (the same call with text would refuse them).
    this.checkedMaxLength(options);
    if (options.longText !== undefined && options.longText !== 'truncate' && options.longText !== 'window') {
      throw new KoClassifyError('INVALID_INPUT', `longText must be 'truncate' or 'window', got ${JSON.stringify(options.longText)}`);
    }
    // An empty or whitespace-only text gets no class (documented result), never a run.
    const blank = inputs.map((v, i) => isBlank(normalizeInput(v, i)));
    if (blank.every(Boolean)) await checkpoint?.();
    if (blank.some(Boolean)) {
      const done = await this.classify(inputs.filter((_, i) => !blank[i]), options, checkpoint);
      let k = 0;
      return inputs.map((_, i) => (blank[i] ? emptyResult() : done[k++]!));
    }
    return options.explain ? this.classifyExplained(inputs, options, checkpoint) : this.classifyRows(inputs, options, batchSize, checkpoint);
  }

  /** Every input through the model (an empty text too: occlusion variants may be empty), in input order. */
  private async classifyRows(inputs: readonly unknown[], options: ClassifyOptions, batchSize: number, checkpoint?: () => void | Promise<void>): Promise<Classification[]> {
    const { encoded, owner } = this.encodeAll(inputs, options);
    const rows = new Array<Classification>(encoded.length);
    for (const batch of makeBatches(encoded, batchSize, this.padId)) {
      await checkpoint?.();
      const logits = await this.run(batch.ids, batch.mask, batch.typeIds, batch.rows, batch.width);
      const n = logits.length / batch.rows;
      batch.origin.forEach((src, row) => {
        rows[src] = postprocess(logits.subarray(row * n, (row + 1) * n), this.config, options);
      });
    }
    return owner ? averageWindows(rows, owner, inputs.length, this.config, options) : rows;
  }

  /**
   * Results with explanations: the inputs and every occlusion variant go through one classify pass
   * (window mode needs its own pass for the inputs themselves).
   */
  private async classifyExplained(inputs: readonly unknown[], options: ClassifyOptions, checkpoint?: () => void | Promise<void>): Promise<Classification[]> {
    const maxLength = this.checkedMaxLength(options);
    // Loaded on the first explained call: a page that never explains never downloads it.
    const { explanationOf, planExplanation } = await import('./explain.js');
    const plans = inputs.map((v, i) => planExplanation(normalizeInput(v, i), this.tokenizer, maxLength));
    const variants = plans.flatMap((p) => p.texts);
    const plain = { ...options, explain: false };
    const windowed = options.longText === 'window';
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const rows = await this.classifyRows(windowed ? variants : [...inputs, ...variants], { ...plain, longText: 'truncate' }, batchSize, checkpoint);
    const results = windowed ? await this.classifyRows(inputs, plain, batchSize, checkpoint) : rows.slice(0, inputs.length);
    let at = windowed ? 0 : inputs.length;
    const head = { ...this.config, thresholds: effectiveThresholds(this.config, options.threshold) };
    return results.map((r, i) => {
      const group = rows.slice(at, (at += plans[i]!.texts.length));
      return { ...r, explanation: explanationOf(plans[i]!, group.map((g) => g.scores), head) };
    });
  }

  /** One encoding per input, or with `longText: 'window'` several, and which input each belongs to. */
  private encodeAll(inputs: readonly unknown[], options: ClassifyOptions): { encoded: Encoded[]; owner: number[] | null } {
    if (options.longText !== 'window') {
      if (options.longText !== undefined && options.longText !== 'truncate') {
        throw new KoClassifyError('INVALID_INPUT', `longText must be 'truncate' or 'window', got ${JSON.stringify(options.longText)}`);
      }
      return { encoded: this.encode(inputs, options), owner: null };
    }
    const maxLength = this.checkedMaxLength(options);
    const encoded: Encoded[] = [];
    const owner: number[] = [];
    inputs.forEach((v, i) => {
      for (const w of this.tokenizer.encodeWindows(normalizeInput(v, i), maxLength)) {
        encoded.push(w);
        owner.push(i);
      }
    });
    return { encoded, owner };
  }

  /** A sentence encoder's unit-length embedding of each string, in input order (see `embedTexts`). */
  embed(texts: readonly unknown[], options: EmbedOptions = {}, checkpoint?: () => void | Promise<void>): Promise<Float32Array[]> {
    const embedding = this.config.embedding;
    if (!embedding) return Promise.reject(new KoClassifyError('INVALID_INPUT', 'this model is a classifier, not a sentence encoder: use classify() (createClassifier())'));
    const runner = { tokenizer: this.tokenizer, padId: this.padId, embedding, maxLength: this.checkedMaxLength(options), run: (b: Batch) => this.run(b.ids, b.mask, b.typeIds, b.rows, b.width) };
    return embedTexts(texts, options, runner, checkpoint);
  }

  /** One ONNX run on a padded batch; returns the logits as a fresh Float32Array. */
  async run(ids: BigInt64Array, mask: BigInt64Array, typeIds: BigInt64Array, rows: number, width: number): Promise<Float32Array> {
    return (await this.runOutputs(ids, mask, typeIds, rows, width, [this.outputName]))[this.outputName]!.data;
  }

  /**
   * One ONNX run on a padded batch, fetching the named graph outputs as fresh Float32Arrays with
   * their dims (the quantizer's calibration fetches intermediate activations it made outputs).
   */
  async runOutputs(ids: BigInt64Array, mask: BigInt64Array, typeIds: BigInt64Array, rows: number, width: number, names: readonly string[]): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
    const feeds: Record<string, Tensor> = batchFeeds(this.ort.Tensor, this.session.inputNames, { ids, mask, typeIds, rows, width });
    const out = await this.exclusive(() => this.session.run(feeds, names));
    try {
      return Object.fromEntries(
        names.map((name) => {
          const t = out[name]!;
          return [name, { data: t.type === 'float32' ? (t.data as Float32Array).slice() : Float32Array.from(t.data as ArrayLike<number>), dims: [...t.dims] }];
        }),
      );
    } finally {
      for (const t of Object.values(out)) t.dispose();
      for (const t of Object.values(feeds)) t.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** No text to classify: only whitespace (and zero-width spaces / joiners) in the text and its pair. */
function isBlank(input: { text: string; textPair: string | null }): boolean {
  return isBlankText(input.text) && (input.textPair === null || isBlankText(input.textPair));
}

/** Mean of each input's window scores, then decided as one result (regression: the mean value). */
function averageWindows(rows: readonly Classification[], owner: readonly number[], n: number, head: ModelConfig, options: ClassifyOptions): Classification[] {
  const sums: Record<string, number>[] = Array.from({ length: n }, () => ({}));
  const counts = new Array<number>(n).fill(0);
  rows.forEach((r, i) => {
    const s = sums[owner[i]!]!;
    for (const [label, p] of Object.entries(r.scores)) s[label] = (s[label] ?? 0) + p;
    counts[owner[i]!]!++;
  });
  return sums.map((s, i) => decide(Object.fromEntries(Object.entries(s).map(([l, total]) => [l, total / counts[i]!])), head, options));
}

function padTokenId(config: unknown, tokenizerConfig: unknown, tokenizer: Tokenizer): number {
  const fromConfig = (config as { pad_token_id?: unknown }).pad_token_id;
  if (typeof fromConfig === 'number') return fromConfig;
  const pad = (tokenizerConfig as { pad_token?: unknown }).pad_token;
  return (typeof pad === 'string' && tokenizer.tokenId(pad)) || 0;
}
