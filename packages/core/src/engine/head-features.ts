import type { Row } from './head-fit.js';

/** What a head reads beside the embedding: hashed character n-grams, or nothing. */
export interface NgramSpec {
  n: number[];
  buckets: number;
}

/**
 * NFC, lower case, runs of whitespace (and zero-width characters) as one space, padded with a space
 * at each end so that n-grams see the start and end of the text and of each eojeol.
 */
function normalizeForNgrams(text: string): string {
  return ` ${text.normalize('NFC').toLowerCase().replace(/[\s\u200b-\u200d\u2060\ufeff]+/gu, ' ').trim()} `;
}

/** FNV-1a (32-bit) over the UTF-16 code units of s[from, to), seeded by the n-gram length. */
function fnv1a(s: string, from: number, to: number): number {
  let h = (0x811c9dc5 ^ (to - from)) >>> 0;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The hashed n-gram features of a text: the distinct buckets its character n-grams (of each length in
 * `spec.n`, Hangul syllables being one character each) fall in, each 1/√(count) so the block has unit
 * length; indices are offset by `offset` (the dense block's length) and ascending.
 */
export function ngramFeatures(text: string, spec: NgramSpec, offset: number): { idx: Int32Array; val: Float64Array } {
  const s = normalizeForNgrams(text);
  const chars = Array.from(s);
  // Code-unit offsets of each character, so surrogate pairs stay one character.
  const at = new Int32Array(chars.length + 1);
  for (let i = 0; i < chars.length; i++) at[i + 1] = at[i]! + chars[i]!.length;
  const mask = spec.buckets - 1;
  const seen = new Set<number>();
  for (const n of spec.n) {
    for (let i = 0; i + n <= chars.length; i++) {
      if (n === 1 && chars[i] === ' ') continue;
      seen.add(fnv1a(s, at[i]!, at[i + n]!) & mask);
    }
  }
  const idx = Int32Array.from([...seen].sort((a, b) => a - b), (b) => b + offset);
  const v = seen.size === 0 ? 0 : 1 / Math.sqrt(seen.size);
  return { idx, val: new Float64Array(idx.length).fill(v) };
}

/** The features of each text: its embedding (float64) and, with `ngrams`, its n-gram block scaled by `ngramWeight`. */
export function headRows(embeddings: readonly ArrayLike<number>[], texts: readonly string[], ngrams: NgramSpec | null, ngramWeight: number): Row[] {
  return embeddings.map((e, i) => {
    const dense = Float64Array.from(e);
    if (!ngrams) return { dense, idx: new Int32Array(0), val: new Float64Array(0) };
    const { idx, val } = ngramFeatures(texts[i]!, ngrams, dense.length);
    for (let k = 0; k < val.length; k++) val[k]! *= ngramWeight;
    return { dense, idx, val };
  });
}

/** Little-endian float32 values as base64 (btoa exists in browsers, workers and Node ≥ 16). */
export function encodeFloat32(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The inverse of `encodeFloat32`; null when `b64` is not base64 of exactly `count` float32 values. */
export function decodeFloat32(b64: string, count: number): Float32Array | null {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  if (bin.length !== count * 4) return null;
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
