/**
 * A backend is one descriptor: how to tell whether it can run here, which ORT build to import, its
 * thread settings, the dtype order `auto` prefers on it, and the session options it runs with. The
 * loader asks descriptors and nothing else; adding a backend (e.g. WebNN) is one descriptor in a list.
 * Shape after onnxruntime-web's `backend-impl.ts`: tried in order, memoised, one combined error.
 */
import type { Env, InferenceSession } from 'onnxruntime-web';
import type { OrtModule } from '../engine/engine.js';
import { KoClassifyError } from '../errors.js';
import type { Backend, Dtype } from '../types.js';

export type OrtWithEnv = OrtModule & { env: Env };

/** What a WebGPU probe needs of `navigator.gpu` (injected: tests and other hosts pass their own). */
export interface GpuLike {
  requestAdapter(): Promise<{ features: { has(name: string): boolean } } | null>;
}

/** The host environment descriptors probe: given by the worker or the Node client, never read globally. */
export interface BackendEnv {
  /** `navigator.gpu` where the host has one. */
  gpu?: GpuLike | null;
  /** Threads (SharedArrayBuffer) exist only in cross-origin isolated pages. */
  crossOriginIsolated: boolean;
}

export type Availability = { ok: true; hasF16: boolean } | { ok: false; reason: string };

/** Thread and runtime settings a descriptor applies to its ORT build. */
export interface RuntimeSettings {
  /** Threads asked for (0: the runtime's own choice). */
  threads: number;
  /** Absolute URL prefix of ORT's runtime files, or null: beside ORT's own chunk. */
  wasmPaths: string | null;
  crossOriginIsolated: boolean;
}

export interface BackendDescriptor {
  /** The name users pass as `backend` and `info().backend` reports. */
  readonly name: Backend;
  /** Tried by `backend: 'auto'` (in list order). */
  readonly auto: boolean;
  /** Whether it can run here; a reason when not (shown in `backendNotes` and errors). */
  probe(env: BackendEnv): Promise<Availability>;
  /** The ORT build it runs on (memoised by the module system). */
  importOrt(): Promise<OrtWithEnv>;
  /** Applies thread/runtime settings to `ort`; returns the threads in effect (0: the runtime's default). */
  configure(ort: OrtWithEnv, settings: RuntimeSettings): number;
  /** Session options for the model's session (execution provider, threads). */
  sessionOptions(threads: number): InferenceSession.SessionOptions;
  /** dtype `auto`'s preference order on this backend (a dtype is picked only if its file exists). */
  dtypeOrder(hasF16: boolean): Dtype[];
  /** Starts the runtime before the model arrives (e.g. compiles ORT's wasm, starts its threads). */
  warmUp?(ort: OrtWithEnv): Promise<void>;
  /** A note for `backendNotes` once selected, after `name: selected (dtype, file`. */
  selectedNote?(threads: number): string;
  /**
   * The files of onnxruntime-web's dist this backend loads at run time in a browser (its glue and
   * `.wasm`): what the Vite plugin, the script-tag build and the testing kit serve. None in Node.
   */
  readonly runtimeFiles?: readonly string[];
}

/** A backend that may be tried, with what its probe found. */
export interface Candidate {
  descriptor: BackendDescriptor;
  hasF16: boolean;
}

/**
 * Which backends to try, in order, and one note per backend ruled out before trying. `auto`: every
 * `auto` descriptor whose probe succeeds, in list order. An explicit backend is the only candidate:
 * asking for one that cannot run here is an error, never a silent fallback.
 */
export async function selectBackends(option: string, descriptors: readonly BackendDescriptor[], env: BackendEnv, notes: string[]): Promise<Candidate[]> {
  if (option !== 'auto') {
    const d = descriptors.find((x) => x.name === option);
    if (!d) throw new KoClassifyError('INVALID_INPUT', `backend must be one of auto, ${descriptors.map((x) => x.name).join(', ')}, got ${JSON.stringify(option)}`);
    const a = await probeOnce(d, env);
    if (!a.ok) throw new KoClassifyError('BACKEND_UNAVAILABLE', `backend "${d.name}" cannot run here: ${a.reason}`, { causes: { [d.name]: a.reason } });
    return [{ descriptor: d, hasF16: a.hasF16 }];
  }
  const out: Candidate[] = [];
  const causes: Record<string, string> = {};
  for (const d of descriptors.filter((x) => x.auto)) {
    const a = await probeOnce(d, env);
    if (a.ok) out.push({ descriptor: d, hasF16: a.hasF16 });
    else {
      causes[d.name] = a.reason;
      notes.push(`${d.name}: skipped — ${a.reason}`);
    }
  }
  if (out.length === 0) throw new KoClassifyError('BACKEND_UNAVAILABLE', `no backend can run here: ${JSON.stringify(causes)}`, { causes });
  return out;
}

/** A descriptor's probe never throws: a thrown probe is a reason like any other. */
async function probeOnce(d: BackendDescriptor, env: BackendEnv): Promise<Availability> {
  try {
    return await d.probe(env);
  } catch (e) {
    return { ok: false, reason: `probe failed: ${(e as Error)?.message ?? String(e)}` };
  }
}
