/** Teaching: a head's weights, temperature and uncertain band from embedded examples. */
import { encodeFloat32, headRows, type NgramSpec } from './head-features.js';
import { fitSoftmax, fitTemperature, rowLogits, stratifiedFolds, youdenMinScore, type Fitted, type Row } from './head-fit.js';
import { bad, HEAD_FORMAT, HEAD_VERSION, validateExamples, type HeadJson, type TrainOptions } from './head-json.js';
import { fitSoftmaxKernel, gram } from './head-kernel.js';

/** L2 strength λ of mean cross-entropy + λ/2·‖W‖² (measured: scripts/fewshot.mjs). */
const LAMBDA = 1e-2;
/** The features a new head reads beside the embedding (measured: scripts/fewshot.mjs). */
const NGRAMS: NgramSpec | null = { n: [1, 2, 3], buckets: 4096 };
/**
 * Weights of the n-gram block against the unit embedding that cross-validation chooses among (the
 * lowest out-of-fold NLL): topic labels gain from the words, sentiment less (scripts/fewshot.mjs).
 */
const NGRAM_WEIGHTS = [0.5, 1, 2];
/** Folds of the cross-validation that fits temperature and min_score (fewer when a label has fewer examples). */
const FOLDS = 5;
/** Above this many examples the Gram matrix (n² floats) costs more than it saves. */
const MAX_KERNEL_ROWS = 1024;

/**
 * Trains a head on examples already embedded (`embeddings[i]` of `texts[i]`, labelled `labels[i]`).
 * Deterministic: the same inputs give the same JSON except `trained.ms` and `trained.at`.
 *
 * @example
 * const head = trainHead(await encoder.embed(texts), texts, labels, { model: 'ko-sentence', space, dim: 256 });
 */
export function trainHead(embeddings: readonly Float32Array[], texts: readonly string[], labels: readonly string[], encoder: HeadJson['encoder'], o: TrainOptions = {}): HeadJson {
  const start = Date.now();
  validateExamples(texts.map((text, i) => ({ text, label: labels[i] })));
  if (embeddings.length !== texts.length || labels.length !== texts.length) throw bad(`${embeddings.length} embeddings, ${texts.length} texts and ${labels.length} labels: give one of each per example`);
  embeddings.forEach((e, i) => {
    if (e.length !== encoder.dim) throw bad(`embedding ${i} has ${e.length} values, the encoder's dim is ${encoder.dim}`);
  });
  const names = [...new Set(labels)];
  const gold = labels.map((l) => names.indexOf(l));
  const perLabel = Object.fromEntries(names.map((l) => [l, 0]));
  for (const l of labels) perLabel[l]!++;
  const ngrams = o.ngrams === undefined ? NGRAMS : o.ngrams;
  const lambda = o.lambda ?? LAMBDA;
  const weights = ngrams ? [o.ngramWeight ?? NGRAM_WEIGHTS].flat() : [0];
  const featureDim = encoder.dim + (ngrams?.buckets ?? 0);
  const base = headRows(embeddings, texts, ngrams, 1);
  const scaled = (alpha: number): Row[] => base.map((r) => ({ ...r, val: r.val.map((v) => v * alpha) }));
  const kernel = featureDim > base.length && base.length <= MAX_KERNEL_ROWS ? { dense: gram(base.map((r) => ({ ...r, idx: new Int32Array(0), val: new Float64Array(0) }))), sparse: gram(base.map((r) => ({ ...r, dense: new Float64Array(0) }))) } : null;
  const fitterFor = (alpha: number, rows: readonly Row[]): ((idx: number[]) => Fitted) => {
    if (!kernel) return (idx) => fitSoftmax(idx.map((i) => rows[i]!), idx.map((i) => gold[i]!), names.length, featureDim, lambda);
    const k = kernel.dense.map((d, i) => d + alpha * alpha * kernel.sparse[i]!);
    return (idx) => fitSoftmaxKernel(rows, k, idx, gold, names.length, featureDim, lambda);
  };
  // Each candidate weight's out-of-fold scores; the lowest NLL (at its own temperature) wins.
  let chosen: { alpha: number; rows: Row[]; fitter: (idx: number[]) => Fitted; cv: CrossValidation | null } | null = null;
  for (const alpha of weights) {
    const rows = scaled(alpha);
    const fitter = fitterFor(alpha, rows);
    const cv = crossValidate(rows, gold, names.length, featureDim, fitter);
    if (!cv) {
      // Too few examples to fold: no measurement to choose by, so the middle candidate.
      const mid = weights[Math.floor(weights.length / 2)]!;
      chosen = { alpha: mid, rows: scaled(mid), fitter: fitterFor(mid, scaled(mid)), cv: null };
      break;
    }
    if (!chosen || cv.nll < chosen.cv!.nll) chosen = { alpha, rows, fitter, cv };
  }
  const { alpha, rows, fitter, cv } = chosen!;
  const fit = fitter(rows.map((_, i) => i));
  // The n-gram block was scaled by alpha; scaling its weights instead keeps the stored head's features plain.
  for (let c = 0; c < names.length; c++) for (let j = encoder.dim; j < featureDim; j++) fit.w[c * featureDim + j]! *= alpha;
  return {
    format: HEAD_FORMAT,
    version: HEAD_VERSION,
    name: o.name ?? null,
    encoder: { model: encoder.model, space: encoder.space, dim: encoder.dim },
    labels: names,
    features: { embedding: true, ngrams: ngrams ? { n: [...ngrams.n], buckets: ngrams.buckets } : null },
    weights: encodeFloat32(fit.w),
    bias: Array.from(fit.bias, (b) => Math.fround(b)),
    temperature: cv?.temperature ?? 1,
    uncertainty: { min_score: cv?.minScore ?? 0 },
    trained: { examples: texts.length, perLabel, cvAccuracy: cv?.accuracy ?? null, ms: Date.now() - start, at: new Date().toISOString() },
  };
}

interface CrossValidation {
  accuracy: number;
  temperature: number;
  /** Mean NLL of the gold labels at that temperature. */
  nll: number;
  minScore: number;
}

/**
 * k-fold out-of-fold logits (k = min(5, the smallest label's count); none under 2): their accuracy,
 * the temperature minimising their NLL, and min_score by Youden's J over their calibrated best scores.
 */
function crossValidate(rows: readonly Row[], gold: readonly number[], labels: number, dim: number, fitter: (idx: number[]) => Fitted): CrossValidation | null {
  const counts = new Array<number>(labels).fill(0);
  for (const g of gold) counts[g]!++;
  const k = Math.min(FOLDS, ...counts);
  if (k < 2) return null;
  const fold = stratifiedFolds(gold, k);
  const oof: Float64Array[] = new Array(rows.length);
  for (let f = 0; f < k; f++) {
    const train = rows.flatMap((_, i) => (fold[i] === f ? [] : [i]));
    const fit = fitter(train);
    rows.forEach((r, i) => {
      if (fold[i] === f) oof[i] = rowLogits(fit.w, fit.bias, dim, r);
    });
  }
  const argmax = (z: Float64Array) => z.reduce((b, v, c) => (v > z[b]! ? c : b), 0);
  const right = oof.map((z, i) => argmax(z) === gold[i]);
  const temperature = Math.fround(fitTemperature(oof, gold));
  let nll = 0;
  const best = oof.map((z, i) => {
    const m = Math.max(...z);
    let sum = 0;
    for (const v of z) sum += Math.exp((v - m) / temperature);
    nll += Math.log(sum) - (z[gold[i]!]! - m) / temperature;
    return 1 / sum;
  });
  return { accuracy: right.filter(Boolean).length / rows.length, temperature, nll: nll / rows.length, minScore: youdenMinScore(best, right) };
}
