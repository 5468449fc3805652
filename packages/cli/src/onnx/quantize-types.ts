/** The quantizer's options, report and refusal (`quantize.ts`), shared by its steps. */

export type QuantMode = 'int8' | 'int4';

/** The range an activation takes, measured on calibration text (`calibrate.ts`). */
export interface ActivationRange {
  min: number;
  max: number;
}

/** Calibrated range of every activation the int8 graph quantizes, by tensor name. */
export type ActivationRanges = Record<string, ActivationRange>;

/** What int8 quantization needs measured on text (`calibrate.ts`): see `calibrationTargets`. */
export interface CalibrationData {
  ranges: ActivationRanges;
  /** Rank of each Softmax's input, as it ran. */
  softmaxRanks: Record<string, number>;
}

/**
 * Extra rows of the padded Softmax (see `padSoftmax`): onnxruntime-web's WASM softmax gives a row
 * the same values at every width ≥ its length rounded up to 4, and others below that (measured
 * on fp32 logits for lengths 3–40 at widths up to +20), so 3 always reaches that width.
 */
export const SOFTMAX_PAD = 3;
export const FLOAT_MIN = -3.4028234663852886e38;

export interface QuantizeOptions {
  mode: QuantMode;
  /** 4-bit block size: MatMulNBits weights (int4) and embedding tables (both modes). Default 32. */
  blockSize?: number;
  /** Gather tables with at least this many elements are stored in 4 bits. Default 16384. */
  embeddingMinElements?: number;
  /** int8 (required): what calibration measured on the fp32 graph (`calibrationTargets` lists it). */
  calibration?: CalibrationData;
}

export interface SizeRow {
  group: 'matmul weights' | 'embeddings' | 'other';
  tensors: number;
  before: number;
  after: number;
}

export interface QuantizeReport {
  matmuls: number;
  gemms: number;
  embeddings: number;
  /** int8: activations quantized with a fixed (calibrated) scale, and biases folded into the GEMM. */
  activations: number;
  biases: number;
  /** int8: Softmaxes widened by `SOFTMAX_PAD` masked entries. */
  softmaxes: number;
  /** int8: MatMuls of constants left in fp32 (ONNX Runtime folds them once). */
  constant: number;
  sizes: SizeRow[];
}

export class QuantizeError extends Error {}

