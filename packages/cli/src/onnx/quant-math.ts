/**
 * Quantization math, free of ONNX: symmetric int8 weights per output channel (for the int8 GEMM),
 * symmetric int8 per row (int8 embedding tables) or per tensor (int4 files' tables), block-wise
 * 4-bit (for MatMulNBits), and uint8 affine activation scales from a calibrated range.
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

/** Symmetric int8 per row of a `[rows, cols]` table (an embedding: one scale per token). */
export function quantizeInt8PerRow(w: Float32Array, rows: number, cols: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(rows);
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]!));
    const scale = Math.fround(max > 0 ? max / 127 : 1);
    scales[r] = scale;
    for (let c = 0; c < cols; c++) q[r * cols + c] = clamp(Math.round(w[r * cols + c]! / scale), -127, 127);
  }
  return { q, scales };
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
