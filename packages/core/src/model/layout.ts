/**
 * What a model directory holds, in the Hugging Face layout transformers.js also uses: the one owner of
 * that knowledge for the browser loader, the Node client, the CLI, the Vite plugin and the packages.
 *
 * ```
 * config.json  tokenizer.json  tokenizer_config.json  [special_tokens_map.json]
 * onnx/model.onnx (fp32)  onnx/model_fp16.onnx  onnx/model_int8.onnx | model_quantized.onnx  onnx/model_q4.onnx
 * manifest.json (size + sha256 of each of those)   README.md (card)   LICENSE.md
 * ```
 */
import type { BackendDescriptor } from '../backends/descriptor.js';
import { wasmBackend } from '../backends/wasm.js';
import { webgpuBackend } from '../backends/webgpu.js';
import { KoClassifyError } from '../errors.js';
import type { Dtype, DtypeOption } from '../types.js';

/**
 * `manifest.json` beside a model: every model file's size and sha256, and a `revision` derived from
 * them (`ko-classify manifest`). A manifest without `revision` stands for the hash of its own bytes.
 */
export interface Manifest {
  files: Record<string, { size: number; sha256: string }>;
  revision?: string;
}

/** The JSON files every load reads. */
export const TEXT_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Files a manifest lists: the text files, `special_tokens_map.json` and every ONNX file. */
export function isModelFile(path: string): boolean {
  return /^(config\.json|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|onnx\/[^/]+\.onnx)$/.test(path);
}

/** The dtypes a browser loads by default: int8 on WASM, int4 on WebGPU. */
export const BROWSER_DTYPES: readonly Dtype[] = ['int8', 'int4'];

/**
 * The model files worth shipping to browsers (npm model packages, the script-tag folder, a PWA):
 * the text files plus the ONNX files of `dtypes`; fp32 stays behind (3-4x larger, used by neither
 * backend's default).
 */
export function browserFiles(listed: readonly string[], dtypes: readonly Dtype[] = BROWSER_DTYPES): string[] {
  const wanted = new Set<string>([...TEXT_FILES, 'special_tokens_map.json', ...dtypes.flatMap((d) => DTYPE_FILES[d])]);
  return listed.filter((f) => wanted.has(f));
}

/** The ONNX file of each dtype, in the layout transformers.js uses (first name preferred). */
export const DTYPE_FILES: Record<Dtype, readonly string[]> = {
  fp32: ['onnx/model.onnx'],
  fp16: ['onnx/model_fp16.onnx'],
  int8: ['onnx/model_int8.onnx', 'onnx/model_quantized.onnx'],
  int4: ['onnx/model_q4.onnx'],
};

/** What dtype `auto` asks of a backend: its name and its order (a descriptor, or a built-in backend's name). */
export type DtypeOrderSource = Pick<BackendDescriptor, 'name' | 'dtypeOrder'> | 'wasm' | 'webgpu' | 'cpu';

function orderSource(b: DtypeOrderSource): Pick<BackendDescriptor, 'name' | 'dtypeOrder'> {
  if (typeof b !== 'string') return b;
  if (b === 'webgpu') return webgpuBackend;
  // onnxruntime-node's CPU kernels prefer what WASM does: int8 MatMulInteger first.
  return b === 'wasm' ? wasmBackend : { name: 'cpu', dtypeOrder: wasmBackend.dtypeOrder };
}

/**
 * dtype `auto` on a backend: the first dtype of the backend's own order (its descriptor's
 * `dtypeOrder`) whose file exists (`available`), so only that file is downloaded. `backend` is a
 * descriptor, or the name of a built-in backend (`'wasm'`, `'webgpu'`, `'cpu'`).
 */
export function chooseDtype(option: DtypeOption, backend: DtypeOrderSource, available: readonly string[], hasF16 = false): { dtype: Dtype; file: string } {
  const d = orderSource(backend);
  const fileOf = (x: Dtype) => DTYPE_FILES[x].find((f) => available.includes(f));
  if (option !== 'auto') {
    const file = fileOf(option);
    if (!file) {
      const present = available.filter((f) => f.startsWith('onnx/'));
      throw new KoClassifyError('DTYPE_UNAVAILABLE', `dtype "${option}" needs ${DTYPE_FILES[option].join(' or ')}, which the model directory does not have (it has: ${present.join(', ') || 'no ONNX files'})`, { dtype: option, present });
    }
    return { dtype: option, file };
  }
  const order = d.dtypeOrder(hasF16);
  for (const x of order) {
    const file = fileOf(x);
    if (file) return { dtype: x, file };
  }
  throw new KoClassifyError('DTYPE_UNAVAILABLE', `no ONNX file usable on ${d.name} in the model directory (looked for ${order.flatMap((x) => DTYPE_FILES[x]).join(', ')})`, { present: available });
}

/**
 * dtype `auto`'s preference order on a built-in backend.
 * @deprecated The order belongs to the backend: use its descriptor's `dtypeOrder(hasF16)`, or
 * `chooseDtype(option, backend, files)`. (Until 0.1 every backend but `wasm` got WebGPU's order;
 * `cpu` now gets its own, int8 first.)
 */
export function autoDtypeOrder(backend: 'wasm' | 'webgpu' | 'cpu', hasF16: boolean): Dtype[] {
  return orderSource(backend).dtypeOrder(hasF16);
}

/**
 * The directory URL a model id or URL stands for: an id (`ko-sentiment`) lives under `modelsBaseUrl`
 * (default `/models/`), anything with `/` or `:` is a URL itself; relative ones resolve against `base`.
 */
export function modelUrlOf(model: string, modelsBaseUrl: string | URL | undefined, base: string): string {
  const raw = /[/:]/.test(model) ? new URL(model, base) : new URL(`${encodeURIComponent(model)}/`, new URL(modelsBaseUrl ?? '/models/', base));
  return raw.href.endsWith('/') ? raw.href : `${raw.href}/`;
}
