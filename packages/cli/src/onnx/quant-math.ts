/**
 * Quantization math, free of ONNX: symmetric int8 weights per output channel (for the int8 GEMM),
 * block-wise 4-bit along K (for MatMulNBits) and along each row (embedding tables, for
 * GatherBlockQuantized), symmetric int8 per tensor (a table that is not 2-D), uint8 affine activation
 * scales from a calibrated range, and float32 ↔ IEEE half.
 * Weights are `[K, N]` row-major, as a MatMul's second input.
 */

export interface Int8PerChannel {
  q: Int8Array; // [K, N]
  scales: Float32Array; // [N]
}

/**
 * The int8 GEMM's weights keep 7 bits: |q| ≤ 63. x86 CPUs without VNNI (AVX2: most AMD EPYC before
 * Zen 4, many cloud VMs) multiply uint8 activations by int8 weights with `vpmaddubsw`, which adds each
 * pair of products into int16 with saturation: 2 × 255 × 127 overflows it, 2 × 255 × 64 does not. With
 * 8-bit weights onnxruntime-node's answers on those CPUs differ from VNNI CPUs and from WASM (ONNX
 * Runtime's quantization docs: "reduce_range"); with 7 bits the integer sums are exact everywhere, so
 * every machine and runtime computes the same GEMM.
 */
export const INT8_WEIGHT_MAX = 63;

export function quantizeInt8PerChannel(w: Float32Array, K: number, N: number, max = INT8_WEIGHT_MAX): Int8PerChannel {
  const scales = new Float32Array(N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) scales[n] = Math.max(scales[n]!, Math.abs(w[k * N + n]!));
  }
  for (let n = 0; n < N; n++) scales[n] = scales[n]! > 0 ? scales[n]! / max : 1;
  const q = new Int8Array(K * N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) q[k * N + n] = clamp(Math.round(w[k * N + n]! / scales[n]!), -max, max);
  }
  return { q, scales };
}

export function quantizeInt8PerTensor(w: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = clamp(Math.round(w[i]! / scale), -127, 127);
  return { q, scale: Math.fround(scale) };
}

export interface Int4Rows {
  /** `[rows, cols / 2]`: two 4-bit values per byte, the even column in the low nibble. */
  packed: Uint8Array;
  /** `[rows, blocks]`: one IEEE half scale per block of `blockSize` columns (the bits). */
  scales: Uint16Array;
  /** With `zeroPoints`: `[rows, ceil(blocks / 2)]`, one 4-bit zero point per block, the even block low. */
  zeroPoints?: Uint8Array;
  blocks: number;
}

/**
 * A `[rows, cols]` table (a word embedding) in 4 bits, per block of `blockSize` columns of each row,
 * as com.microsoft GatherBlockQuantized reads uint8 data: value = (nibble − z) × scale, z = 8 without
 * zero points (symmetric) or one stored per block (`zeroPoints`, half a byte more per block: the
 * block's range need not be centred on 0). Each block's half scale (and zero point) is the one with
 * the least squared error near the block's range over 16 levels, column c weighted by
 * `importance[c]` (`bestSymmetric`, `bestAsymmetric`); every value is rounded with the half scale the
 * file stores. A gathered row depends on its token id alone: nothing from its batch.
 */
export function quantizeInt4Rows(w: Float32Array, rows: number, cols: number, blockSize: number, o: { importance?: Float32Array; zeroPoints?: boolean } = {}): Int4Rows {
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) throw new Error(`block size must be a power of two ≥ 16, got ${blockSize}`);
  if (cols % 2 !== 0) throw new Error(`a 4-bit table needs an even number of columns, got ${cols}`);
  const blocks = Math.ceil(cols / blockSize);
  const packed = new Uint8Array((rows * cols) / 2);
  const scales = new Uint16Array(rows * blocks);
  const zeroPoints = o.zeroPoints ? new Uint8Array(rows * Math.ceil(blocks / 2)) : undefined;
  for (let r = 0; r < rows; r++) {
    const weight = (i: number) => (o.importance ? o.importance[i - r * cols]! : 1);
    for (let b = 0; b < blocks; b++) {
      const [from, to] = [r * cols + b * blockSize, r * cols + Math.min(cols, (b + 1) * blockSize)];
      let [extreme, lo, hi] = [0, 0, 0];
      for (let i = from; i < to; i++) {
        if (Math.abs(w[i]!) > Math.abs(extreme)) extreme = w[i]!;
        [lo, hi] = [Math.min(lo, w[i]!), Math.max(hi, w[i]!)];
      }
      let [bits, z] = extreme === 0 ? [toHalfBits(1), 8] : zeroPoints ? bestAsymmetric(w, from, to, hi - lo, lo, weight) : [bestSymmetric(w, from, to, extreme / -8, weight), 8];
      // A block too small for a normal half scale keeps the smallest one of its sign (never 0).
      if ((bits & 0x7fff) === 0) bits |= 1;
      if ((bits & 0x7c00) === 0x7c00) throw new RangeError(`a table value of ${extreme} is too large for a half scale`);
      scales[r * blocks + b] = bits;
      if (zeroPoints) zeroPoints[r * Math.ceil(blocks / 2) + (b >> 1)]! |= b & 1 ? z << 4 : z;
      const s = halfToFloat(bits);
      for (let i = from; i < to; i++) {
        const q = clamp(Math.round(w[i]! / s) + z, 0, 15);
        packed[i >> 1]! |= i & 1 ? q << 4 : q;
      }
    }
  }
  return { packed, scales, zeroPoints, blocks };
}

/** Weighted squared error of `w[from, to)` in 4 bits at half scale `bits` and zero point `z`. */
function error4(w: Float32Array, from: number, to: number, bits: number, z: number, weight: (i: number) => number): number {
  const s = halfToFloat(bits);
  let e = 0;
  for (let i = from; i < to; i++) e += ((clamp(Math.round(w[i]! / s) + z, 0, 15) - z) * s - w[i]!) ** 2 * weight(i);
  return e;
}

/**
 * Symmetric (z = 8): the half scale among `first` × 0.60, 0.61, … 1.20 with the least error, `first`
 * (the block's largest value on −8, all 16 levels used) winning ties. Clipping the largest value a
 * little buys finer steps for the rest: on ko-hate-speech's held-out split the int8 file scored
 * macro-F1 60.90 with searched (unweighted) scales, 60.48 with `first` and 59.33 with max / 7.
 */
function bestSymmetric(w: Float32Array, from: number, to: number, first: number, weight: (i: number) => number): number {
  let best = toHalfBits(first);
  let least = error4(w, from, to, best, 8, weight);
  for (let k = 0; k <= 60; k++) {
    const bits = toHalfBits(first * (0.6 + k / 100));
    const e = error4(w, from, to, bits, 8, weight);
    if (e < least) [best, least] = [bits, e];
  }
  return best;
}

/**
 * With a zero point: the half scale among range / 15 × 0.60, 0.61, … 1.00 (`range` spans the block and
 * 0) and, for each, the zero points within 2 of the one that puts `lo` on level 0, with the least
 * error; range / 15 and that zero point win ties.
 */
function bestAsymmetric(w: Float32Array, from: number, to: number, range: number, lo: number, weight: (i: number) => number): [number, number] {
  const start = toHalfBits(range / 15);
  const z0 = (bits: number) => clamp(Math.round(-lo / halfToFloat(bits)), 0, 15);
  let best: [number, number] = [start, z0(start)];
  let least = error4(w, from, to, best[0], best[1], weight);
  for (let k = 0; k <= 40; k++) {
    const bits = toHalfBits((range / 15) * (0.6 + k / 100));
    if ((bits & 0x7fff) === 0) continue;
    for (let z = Math.max(0, z0(bits) - 2); z <= Math.min(15, z0(bits) + 2); z++) {
      const e = error4(w, from, to, bits, z, weight);
      if (e < least) [best, least] = [[bits, z], e];
    }
  }
  return best;
}

/** float32 → IEEE half bits, rounding to nearest even (subnormals kept, overflow to ±Inf). */
export function toHalfBits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** IEEE half bits → the number they hold (exact). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export interface Int4Blocks {
  /** `[N, kBlocks, blockSize / 2]`: two 4-bit values per byte, the even k in the low nibble. */
  packed: Uint8Array;
  /** `[N, kBlocks]` */
  scales: Float32Array;
  kBlocks: number;
}

/**
 * Symmetric 4-bit per block of `blockSize` along K for each output column n: q = round(w / s) + 8
 * with s = max|w| / 7 over the block, stored unsigned 0..15 (MatMulNBits' default zero point is 8).
 * K is zero-padded to a whole number of blocks.
 */
export function quantizeInt4Blocks(w: Float32Array, K: number, N: number, blockSize: number): Int4Blocks {
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) throw new Error(`block size must be a power of two ≥ 16, got ${blockSize}`);
  const kBlocks = Math.ceil(K / blockSize);
  const half = blockSize / 2;
  const packed = new Uint8Array(N * kBlocks * half);
  const scales = new Float32Array(N * kBlocks);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kBlocks; b++) {
      let max = 0;
      for (let j = 0; j < blockSize; j++) {
        const k = b * blockSize + j;
        if (k < K) max = Math.max(max, Math.abs(w[k * N + n]!));
      }
      const s = max > 0 ? max / 7 : 1;
      scales[n * kBlocks + b] = s;
      for (let j = 0; j < blockSize; j += 2) {
        const at = (jj: number) => {
          const k = b * blockSize + jj;
          return k < K ? clamp(Math.round(w[k * N + n]! / s) + 8, 0, 15) : 8;
        };
        packed[(n * kBlocks + b) * half + j / 2] = at(j) | (at(j + 1) << 4);
      }
    }
  }
  return { packed, scales, kBlocks };
}

/**
 * uint8 affine quantization of an activation range, as DynamicQuantizeLinear computes it per run:
 * the range is widened to hold 0 (so zero and padding stay exact), scale = (max − min) / 255,
 * zero point = round(−min / scale). Here the range is calibrated once and fixed in the graph.
 */
export function uint8Affine(range: { min: number; max: number }): { scale: number; zeroPoint: number } {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`activation range [${range.min}, ${range.max}] is not finite`);
  const scale = Math.fround(max > min ? (max - min) / 255 : 1);
  return { scale, zeroPoint: clamp(Math.round(-min / scale), 0, 255) };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
