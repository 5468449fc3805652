import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeManifest, type RuntimeOption } from '@ko-classify/core/node';
import { calibrate } from './onnx/calibrate.js';
import { decodeModel, encodeModel } from './onnx/proto.js';
import { QuantizeError, quantizeModel, type QuantMode, type QuantizeReport } from './onnx/quantize.js';
import { readTsv } from './tsv.js';

/** Shipped with the CLI: NSMC train reviews (CC0), the calibration text when none is given. */
export const DEFAULT_CALIBRATION = join(import.meta.dirname, '..', 'data', 'calibration-ko.tsv');
const TEXT_COLUMNS = ['document', 'text', 'comments', 'sentence'];

export interface QuantizeFileOptions {
  mode: QuantMode;
  blockSize?: number;
  output?: string;
  /** int8: a TSV (header row) of text like the model's inputs. Default: `DEFAULT_CALIBRATION`. */
  calibrate?: string;
  /** Its text column. Default: the first of document, text, comments, sentence. */
  textCol?: string;
  /** Rows used, spread evenly over the file. Default 512. */
  calibrationRows?: number;
  runtime?: RuntimeOption;
}

export interface QuantizeFileResult {
  output: string;
  report: QuantizeReport;
  bytesIn: number;
  bytesOut: number;
  /** int8: what the activation ranges were measured on. */
  calibration?: { file: string; texts: number; tokens: number };
}

/** `rows` texts spread evenly over a TSV's text column (the file's order is often by topic or label). */
export function calibrationTexts(path: string, textCol: string | undefined, rows: number): string[] {
  const { header, rows: all } = readTsv(path);
  const col = textCol ?? TEXT_COLUMNS.find((c) => header.includes(c));
  const i = col === undefined ? -1 : header.indexOf(col);
  if (i < 0) throw new QuantizeError(`${path} has no ${textCol ? `column "${textCol}"` : `text column (${TEXT_COLUMNS.join(', ')})`}: pass --text-col (columns: ${header.join(', ')})`);
  const texts = all.map((r) => r[i] ?? '').filter((t) => t.trim().length > 0);
  if (texts.length === 0) throw new QuantizeError(`${path}: column "${col}" has no text to calibrate on`);
  const step = Math.max(1, texts.length / rows);
  return Array.from({ length: Math.min(rows, texts.length) }, (_, k) => texts[Math.floor(k * step)]!);
}

/** The model directory an ONNX file belongs to (`<dir>/onnx/<file>` or `<dir>/<file>`), for its tokenizer. */
function modelDirOf(onnxFile: string): string {
  const up = basename(dirname(onnxFile)) === 'onnx' ? dirname(dirname(onnxFile)) : dirname(onnxFile);
  for (const f of ['config.json', 'tokenizer.json']) {
    if (!existsSync(join(up, f))) throw new QuantizeError(`int8 calibration runs the model on text, so it needs the model's ${f} beside it: put the file in a model directory (config.json, tokenizer.json, onnx/${basename(onnxFile)})`);
  }
  return up;
}

/** transformers.js file names: model.onnx → model_int8.onnx / model_q4.onnx beside it. */
export function defaultOutput(input: string, mode: QuantMode): string {
  const stem = basename(input).replace(/\.onnx$/, '');
  return join(dirname(input), `${stem}_${mode === 'int8' ? 'int8' : 'q4'}.onnx`);
}

/**
 * Quantizes one file (int8: after calibrating its activations on text); refreshes manifest.json when
 * the output lands in a model directory's onnx/.
 */
export async function quantizeFile(input: string, o: QuantizeFileOptions): Promise<QuantizeFileResult> {
  const bytes = readFileSync(input);
  let calibration: QuantizeFileResult['calibration'];
  let measured;
  if (o.mode === 'int8') {
    const file = o.calibrate ?? DEFAULT_CALIBRATION;
    measured = await calibrate(bytes, modelDirOf(input), calibrationTexts(file, o.textCol, o.calibrationRows ?? 512), { runtime: o.runtime });
    calibration = { file, texts: measured.texts, tokens: measured.tokens };
  }
  const model = decodeModel(bytes);
  const report = quantizeModel(model, { mode: o.mode, blockSize: o.blockSize, calibration: measured });
  const output = o.output ?? defaultOutput(input, o.mode);
  const encoded = encodeModel(model);
  writeFileSync(output, encoded);
  refreshManifest(output);
  return { output, report, bytesIn: bytes.byteLength, bytesOut: encoded.byteLength, calibration };
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
  lines.push(`quantized ${report.matmuls} MatMul, ${report.gemms} Gemm, ${report.embeddings} embedding table(s)${report.activations ? `; ${report.activations} activations at calibrated scales, ${report.biases} biases folded into the GEMM, ${report.softmaxes} softmaxes padded, ${report.constant} MatMuls of constants left to constant folding` : ''}`);
  return lines.join('\n');
}
