/**
 * The `Encoder` and `TaughtClassifier` behaviour, once for the page's worker client and the Node
 * client: each gives an `EncoderBackend` (where the model runs) and gets the public objects — input
 * checks, one text or many, `explain` refused for heads, the head's `info()`, disposal. Also
 * `similarity`, the cosine of two embeddings.
 */
import type { EmbedCallOptions, EmbedOptions, Encoder, HeadJson, TaughtClassifier, TeachExample, TeachOptions } from './encoder-types.js';
import { KoClassifyError } from './errors.js';
import type { Classification, ClassifyCallOptions, ClassifyOptions, ModelInfo, TextInput } from './types.js';

/** Where an encoder runs (a worker slot, or the Node client's model host). Each call may be cancelled. */
export interface EncoderBackend {
  info(): ModelInfo;
  embed(texts: string[], options: EmbedOptions, signal?: AbortSignal): Promise<Float32Array[]>;
  teach(examples: TeachExample[], options: { name?: string }, signal?: AbortSignal): Promise<HeadJson>;
  /** Head-checked (HEAD_INVALID, HEAD_MISMATCH) before any text runs; `[]` inputs only check it. */
  classifyHead(inputs: unknown[], head: HeadJson, options: ClassifyOptions, signal?: AbortSignal): Promise<Classification[]>;
  dispose(): Promise<void>;
  /** Stores a head under its name (the page's IndexedDB); absent where nothing is stored (Node). */
  saveHead?(head: HeadJson, name: string): Promise<unknown>;
}

const invalid = (message: string, details: Record<string, unknown> = {}) => new KoClassifyError('INVALID_INPUT', message, details);
const disposed = () => new KoClassifyError('DISPOSED', 'the encoder was disposed: create a new one');

/** The encoder of a loaded model; INVALID_INPUT naming createClassifier() when the model is a classifier. */
export function makeEncoder(backend: EncoderBackend, options: { onDispose?: () => Promise<void> } = {}): Encoder {
  const info = backend.info();
  if (!info.embedding) throw invalid(`${info.model} is a classifier, not a sentence encoder: use createClassifier() and classify() (createEncoder() takes a model whose config.json has sentence_embedding, e.g. ko-sentence)`);
  let gone = false;
  const live = () => {
    if (gone) throw disposed();
  };
  const encoder: Encoder = {
    embed: (async (input: string | readonly string[], o: EmbedCallOptions = {}) => {
      live();
      const { signal, ...rest } = o;
      const single = !Array.isArray(input);
      const list = (single ? [input] : input) as readonly unknown[];
      list.forEach((v, i) => {
        if (typeof v !== 'string') throw invalid(`text ${i} is ${v === null ? 'null' : `a ${typeof v}`}: embed() takes strings`, { index: i });
      });
      const rows = await backend.embed(list as string[], rest, signal);
      return single ? rows[0]! : rows;
    }) as Encoder['embed'],
    async teach(examples: readonly TeachExample[], o: TeachOptions = {}) {
      live();
      if (!Array.isArray(examples)) throw invalid('teach() takes an array of { text, label } examples');
      if (o.name !== undefined && typeof o.name !== 'string') throw invalid('options.name must be a string');
      if (o.save && !o.name) throw invalid('teach(examples, { save: true }) needs a name to store the head under: pass { name, save: true }');
      // Plain copies: a class instance or getter would not survive the structured clone.
      const plain = examples.map((e: unknown) => (e !== null && typeof e === 'object' ? { text: (e as TeachExample).text, label: (e as TeachExample).label } : e)) as TeachExample[];
      const head = await backend.teach(plain, o.name === undefined ? {} : { name: o.name }, o.signal);
      if (o.save && o.name) {
        if (!backend.saveHead) throw invalid('this encoder stores no heads (save: true is for the page): write teach()\'s head to a file instead');
        await backend.saveHead(head, o.name);
      }
      return taughtClassifier(backend, head, live);
    },
    async classifier(head: HeadJson | string) {
      live();
      const json = typeof head === 'string' ? parseJsonHead(head) : head;
      if (json === null || typeof json !== 'object') throw new KoClassifyError('HEAD_INVALID', 'not a ko-classify head: pass the HeadJson teach() returned (or its JSON text): re-export it with teach()');
      await backend.classifyHead([], json, {});
      return taughtClassifier(backend, json, live);
    },
    info() {
      live();
      return backend.info();
    },
    async dispose() {
      if (gone) return;
      gone = true;
      await backend.dispose();
      await options.onDispose?.();
    },
  };
  return encoder;
}

function parseJsonHead(text: string): HeadJson {
  try {
    return JSON.parse(text) as HeadJson;
  } catch {
    throw new KoClassifyError('HEAD_INVALID', 'not a ko-classify head: the text is not JSON: re-export it with teach()');
  }
}

/**
 * A classifier of an encoder and a head (checked by the backend). Its `dispose()` leaves the encoder;
 * `encoderLive` throws DISPOSED once the encoder is disposed.
 */
export function taughtClassifier(backend: EncoderBackend, head: HeadJson, encoderLive: () => void, onDispose?: () => Promise<void>): TaughtClassifier {
  let gone = false;
  const pending = new Set<(e: KoClassifyError) => void>();
  const live = () => {
    if (gone) throw new KoClassifyError('DISPOSED', 'the taught classifier was disposed: make a new one with encoder.classifier(head)');
    encoderLive();
  };
  const infoOf = (base: ModelInfo): ModelInfo => ({
    ...base,
    labels: [...head.labels],
    problemType: 'single_label_classification',
    thresholds: Object.fromEntries(head.labels.map((l) => [l, 0.5])),
    displayNames: {},
    calibration: { method: 'temperature', temperature: head.temperature },
    uncertainty: { minScore: head.uncertainty.min_score },
    head: { name: head.name, labels: [...head.labels], space: head.encoder.space },
  });
  const classify = async (input: TextInput | readonly TextInput[], o: ClassifyCallOptions = {}): Promise<Classification | Classification[]> => {
    live();
    const { signal, ...rest } = o;
    if (rest.explain) throw invalid('explanations are not available for taught heads: classify without explain');
    const single = !Array.isArray(input);
    const list: readonly unknown[] = single ? [input] : (input as readonly unknown[]);
    list.forEach((v, i) => {
      const ok = typeof v === 'string' || (typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string');
      if (!ok) throw invalid(`input ${i} is ${v === null ? 'null' : typeof v}: pass a string or { text }`, { index: i });
    });
    const results = await new Promise<Classification[]>((resolve, reject) => {
      pending.add(reject);
      backend
        .classifyHead(list as unknown[], head, rest, signal)
        .then(resolve, reject)
        .finally(() => pending.delete(reject));
    });
    return single ? results[0]! : results;
  };
  return {
    head,
    classify: classify as TaughtClassifier['classify'],
    info() {
      live();
      return infoOf(backend.info());
    },
    async dispose() {
      if (gone) return;
      gone = true;
      const err = new KoClassifyError('DISPOSED', 'the taught classifier was disposed');
      for (const reject of pending) reject(err);
      pending.clear();
      await onDispose?.();
    },
  };
}

/**
 * The classifier `teach()` (the convenience) returns: it owns the encoder it made, so disposing the
 * classifier disposes the encoder too. A failed teach disposes it at once.
 */
export async function ownEncoder(encoder: Encoder, teach: () => Promise<TaughtClassifier>): Promise<TaughtClassifier> {
  let taught: TaughtClassifier;
  try {
    taught = await teach();
  } catch (e) {
    await encoder.dispose();
    throw e;
  }
  return {
    head: taught.head,
    classify: taught.classify,
    info: () => taught.info(),
    async dispose() {
      await taught.dispose();
      await encoder.dispose();
    },
  };
}

/**
 * The cosine similarity of two embeddings (1: same direction; `embed()`'s rows are unit length, so
 * it is their dot product). INVALID_INPUT for vectors of different lengths or a zero vector.
 *
 * @example
 * const [a, b] = await encoder.embed(['배송이 빨라요', '택배가 금방 왔어요']);
 * similarity(a, b); // e.g. 0.83
 */
export function similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (!a || !b || typeof a.length !== 'number' || typeof b.length !== 'number') throw invalid('similarity(a, b) takes two embeddings (Float32Array)');
  if (a.length !== b.length) throw invalid(`similarity(a, b): a has ${a.length} values and b ${b.length}: compare embeddings of the same encoder`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (!(na > 0 && nb > 0)) throw invalid('similarity(a, b): a zero vector has no direction');
  if (!Number.isFinite(dot + na + nb)) throw invalid('similarity(a, b): the vectors hold a NaN or an infinity');
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}
