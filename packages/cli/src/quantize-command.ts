import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeManifest } from '@ko-classify/core/node';
import { decodeModel, encodeModel } from './onnx/proto.js';
import { quantizeModel, type QuantMode, type QuantizeReport } from './onnx/quantize.js';

export interface QuantizeFileOptions {
  mode: QuantMode;
  blockSize?: number;
  output?: string;
}

/** transformers.js file names: model.onnx → model_int8.onnx / model_q4.onnx beside it. */
export function defaultOutput(input: string, mode: QuantMode): string {
  const stem = basename(input).replace(/\.onnx$/, '');
  return join(dirname(input), `${stem}_${mode === 'int8' ? 'int8' : 'q4'}.onnx`);
}

/** Quantizes one file; refreshes manifest.json when the output lands in a model directory's onnx/. */
export function quantizeFile(input: string, o: QuantizeFileOptions): { output: string; report: QuantizeReport; bytesIn: number; bytesOut: number } {
  const bytes = readFileSync(input);
  const model = decodeModel(bytes);
  const report = quantizeModel(model, { mode: o.mode, blockSize: o.blockSize });
  const output = o.output ?? defaultOutput(input, o.mode);
  const encoded = encodeModel(model);
  writeFileSync(output, encoded);
  refreshManifest(output);
  return { output, report, bytesIn: bytes.byteLength, bytesOut: encoded.byteLength };
}

/** After writing `<model dir>/onnx/<file>`: rewrites the directory's manifest.json, if it has one. */
export function refreshManifest(onnxFile: string): void {
  const modelDir = dirname(dirname(onnxFile));
  if (basename(dirname(onnxFile)) === 'onnx' && existsSync(join(modelDir, 'config.json')) && existsSync(join(modelDir, 'manifest.json'))) writeManifest(modelDir);
}

export function formatSizeTable(report: QuantizeReport, bytesIn: number, bytesOut: number): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  const lines = [`${'tensor group'.padEnd(16)}${'tensors'.padStart(8)}${'before'.padStart(12)}${'after'.padStart(12)}`];
  for (const r of report.sizes) lines.push(`${r.group.padEnd(16)}${String(r.tensors).padStart(8)}${mb(r.before).padStart(12)}${mb(r.after).padStart(12)}`);
  lines.push(`${'file'.padEnd(16)}${''.padStart(8)}${mb(bytesIn).padStart(12)}${mb(bytesOut).padStart(12)}`);
  lines.push(`quantized ${report.matmuls} MatMul, ${report.gemms} Gemm, ${report.embeddings} embedding table(s)`);
  return lines.join('\n');
}
