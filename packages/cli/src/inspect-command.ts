import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseModelConfig } from '@ko-classify/core/engine';
import { readModelJson } from '@ko-classify/core/node';
import { DataType, decodeModel, tensorBytes, toNumber, type Model } from './onnx/proto.js';

export interface OnnxSummary {
  file: string;
  bytes: number;
  irVersion: number;
  opsets: Record<string, number>;
  inputs: { name: string; type: string; shape: (string | number)[] }[];
  outputs: { name: string; type: string; shape: (string | number)[] }[];
  ops: Record<string, number>;
  weightBytesByDtype: Record<string, number>;
  /** Ops with no kernel in onnxruntime-web's WebGPU EP: on WebGPU they fall back to CPU or fail. */
  noWebGpuKernel: string[];
}

export interface ModelDirSummary {
  dir: string;
  architecture: string | null;
  modelType: string | null;
  labels: string[];
  problemType: string | null;
  tokenizer: string | null;
  onnx: OnnxSummary[];
}

const TYPE_NAMES = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k.toLowerCase()])) as Record<number, string>;

/**
 * The WebGPU operator table onnxruntime-web ships (`docs/webgpu-operators.md`, generated from its
 * kernel registrations): `domain:Op` keys, `ai.onnx` for the default domain.
 */
export function webGpuOps(): Set<string> {
  const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  const md = readFileSync(join(pkg, '..', 'docs', 'webgpu-operators.md'), 'utf8');
  const ops = new Set<string>();
  for (const line of md.split('\n')) {
    const m = /^\|\s*([A-Za-z0-9]+)\s*\|\s*([^|]+)\|/.exec(line);
    if (!m || m[1] === 'Operator') continue;
    for (const part of m[2]!.split(';')) {
      const domain = part.trim().split('(')[0]!.trim();
      if (domain) ops.add(`${domain}:${m[1]}`);
    }
  }
  return ops;
}

export function summarizeOnnx(file: string, model: Model = decodeModel(readFileSync(file)), supported = webGpuOps()): OnnxSummary {
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const io = (v: (typeof graph.input)[number]) => ({
    name: v.name,
    type: TYPE_NAMES[v.type?.tensorType?.elemType ?? 0] ?? 'unknown',
    shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || (d.dimValue !== undefined ? toNumber(d.dimValue) : '?')),
  });
  const ops: Record<string, number> = {};
  const missing = new Set<string>();
  for (const n of graph.node) {
    const domain = n.domain && n.domain !== 'ai.onnx' ? n.domain : 'ai.onnx';
    const key = domain === 'ai.onnx' ? n.opType : `${domain}:${n.opType}`;
    ops[key] = (ops[key] ?? 0) + 1;
    if (n.opType !== 'Constant' && !supported.has(`${domain}:${n.opType}`)) missing.add(key);
  }
  const weightBytesByDtype: Record<string, number> = {};
  for (const t of graph.initializer) {
    const k = TYPE_NAMES[t.dataType] ?? String(t.dataType);
    weightBytesByDtype[k] = (weightBytesByDtype[k] ?? 0) + tensorBytes(t);
  }
  return {
    file,
    bytes: statSync(file).size,
    irVersion: toNumber(model.irVersion),
    opsets: Object.fromEntries(model.opsetImport.map((o) => [o.domain || 'ai.onnx', toNumber(o.version)])),
    inputs: graph.input.filter((v) => !inits.has(v.name)).map(io),
    outputs: graph.output.map(io),
    ops: Object.fromEntries(Object.entries(ops).sort((a, b) => b[1] - a[1])),
    weightBytesByDtype,
    noWebGpuKernel: [...missing].sort(),
  };
}

export function inspectPath(path: string): ModelDirSummary | OnnxSummary {
  if (!statSync(path).isDirectory()) return summarizeOnnx(path);
  const config = existsSync(join(path, 'config.json')) ? (readModelJson(path, 'config.json') as Record<string, unknown>) : {};
  const tok = existsSync(join(path, 'tokenizer.json')) ? (readModelJson(path, 'tokenizer.json') as { model?: { type?: string } }) : null;
  // Labels as the engine reads them; a config without a usable id2label still gets inspected.
  let labels: string[] = [];
  try {
    labels = parseModelConfig(config).labels;
  } catch {}
  const onnxDir = join(path, 'onnx');
  const files = existsSync(onnxDir) ? readdirSync(onnxDir).filter((f) => f.endsWith('.onnx')).sort() : [];
  const supported = webGpuOps();
  return {
    dir: path,
    architecture: ((config.architectures as string[] | undefined) ?? [])[0] ?? null,
    modelType: (config.model_type as string | undefined) ?? null,
    labels,
    problemType: (config.problem_type as string | undefined) ?? null,
    tokenizer: tok?.model?.type ?? null,
    onnx: files.map((f) => summarizeOnnx(join(onnxDir, f), undefined, supported)),
  };
}

export function formatInspect(s: ModelDirSummary | OnnxSummary): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  const one = (o: OnnxSummary) =>
    [
      `${o.file}  ${mb(o.bytes)}  IR ${o.irVersion}  opsets ${Object.entries(o.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}`,
      `  inputs:  ${o.inputs.map((i) => `${i.name} ${i.type}[${i.shape.join(', ')}]`).join('; ')}`,
      `  outputs: ${o.outputs.map((i) => `${i.name} ${i.type}[${i.shape.join(', ')}]`).join('; ')}`,
      `  weights: ${Object.entries(o.weightBytesByDtype).map(([t, b]) => `${t} ${mb(b)}`).join(', ')}`,
      `  ops:     ${Object.entries(o.ops).map(([k, v]) => `${k}×${v}`).join(' ')}`,
      `  no WebGPU kernel: ${o.noWebGpuKernel.length ? o.noWebGpuKernel.join(', ') : 'none'}`,
    ].join('\n');
  if ('onnx' in s) {
    return [
      `${s.dir}: ${s.architecture ?? '?'} (${s.modelType ?? '?'}), ${s.tokenizer ?? '?'} tokenizer, ${s.problemType ?? 'single_label_classification (default)'}`,
      `labels: ${s.labels.join(', ')}`,
      ...s.onnx.map(one),
    ].join('\n');
  }
  return one(s);
}

