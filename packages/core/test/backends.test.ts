import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { BackendDescriptor, OrtWithEnv } from '../src/backends/descriptor.js';
import { wasmBackend } from '../src/backends/wasm.js';
import { webgpuBackend } from '../src/backends/webgpu.js';
import { autoDtypeOrder, chooseDtype } from '../src/model/layout.js';
import { cpuBackend, nodeBackends, nodeWasmBackend } from '../src/node/backends.js';
import { createClassifier } from '../src/node/client.js';
import { FIXTURE } from './helpers.js';

// A backend is one descriptor: registering one is all it takes to load and classify through it.
function fakeBackend(over: Partial<BackendDescriptor> = {}) {
  const calls: string[] = [];
  const d: BackendDescriptor = {
    name: 'fake',
    auto: false,
    probe: async () => (calls.push('probe'), { ok: true, hasF16: false }),
    importOrt: async () => (calls.push('importOrt'), ortWeb as unknown as OrtWithEnv),
    configure: (_ort, s) => (calls.push(`configure ${s.threads}`), 1),
    sessionOptions: (threads) => (calls.push(`sessionOptions ${threads}`), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }),
    dtypeOrder: () => (calls.push('dtypeOrder'), ['fp32']),
    selectedNote: () => ', a fake backend',
    ...over,
  };
  return { d, calls };
}

const TEXTS = ['정말 재밌어요', '시간 아까움'];

describe('a registered backend descriptor', () => {
  it('loads and classifies through the fake with no other edit: its ORT, its threads, its dtype order', async () => {
    const { d, calls } = fakeBackend();
    const clf = await createClassifier({ model: FIXTURE, backends: [...nodeBackends, d], backend: 'fake' });
    const info = clf.info();
    expect(info).toMatchObject({ backend: 'fake', dtype: 'fp32', file: 'onnx/model.onnx', threads: 1 });
    expect(info.backendNotes.join('\n')).toContain('fake: selected (fp32, onnx/model.onnx, a fake backend');
    const got = await clf.classify(TEXTS);
    await clf.dispose();
    expect(calls).toEqual(['probe', 'importOrt', 'configure 0', 'dtypeOrder', 'sessionOptions 1']);
    // The same scores as the stock WASM backend on the same file.
    const ref = await createClassifier({ model: FIXTURE, backend: 'wasm', dtype: 'fp32' });
    const want = await ref.classify(TEXTS);
    await ref.dispose();
    got.forEach((r, i) => {
      expect(r.label).toBe(want[i]!.label);
      for (const [l, s] of Object.entries(want[i]!.scores)) expect(r.scores[l]).toBeCloseTo(s, 5);
    });
  });

  it('auto tries descriptors in list order; one that cannot run is skipped with its reason, never an error', async () => {
    const { d } = fakeBackend({ auto: true, probe: async () => ({ ok: false, reason: 'no fake device' }) });
    const clf = await createClassifier({ model: FIXTURE, dtype: 'fp32', backends: [d, nodeWasmBackend] });
    expect(clf.info().backend).toBe('wasm');
    expect(clf.info().backendNotes).toContain('fake: skipped — no fake device');
    await clf.dispose();
  });

  it('asking for it by name where it cannot run is BACKEND_UNAVAILABLE with the reason; an unknown name lists the known ones', async () => {
    const { d } = fakeBackend({ probe: async () => { throw new Error('driver crashed'); } });
    await expect(createClassifier({ model: FIXTURE, backends: [...nodeBackends, d], backend: 'fake' })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: 'backend "fake" cannot run here: probe failed: driver crashed' });
    await expect(createClassifier({ model: FIXTURE, backend: 'webnn' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'backend must be one of auto, cpu, wasm, got "webnn"' });
  });
});

describe('dtype auto asks the backend descriptor (the two latent bugs)', () => {
  const all = ['config.json', 'onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx'];
  it("Node's cpu backend gets its own (int8-first) order, not WebGPU's", () => {
    expect(chooseDtype('auto', cpuBackend, all, true)).toEqual({ dtype: 'int8', file: 'onnx/model_int8.onnx' });
    expect(chooseDtype('auto', nodeWasmBackend, all, true).dtype).toBe('int8');
    expect(chooseDtype('auto', wasmBackend, all).dtype).toBe('int8');
    expect(chooseDtype('auto', webgpuBackend, all, true).dtype).toBe('int4');
    expect(chooseDtype('auto', webgpuBackend, ['onnx/model.onnx', 'onnx/model_fp16.onnx'], true).dtype).toBe('fp16');
    // By name, as 0.1 callers of ./model-layout pass it; and the deprecated order helper agrees.
    expect(chooseDtype('auto', 'cpu', all, true).dtype).toBe('int8');
    expect(autoDtypeOrder('cpu', true)[0]).toBe('int8');
    expect(autoDtypeOrder('webgpu', true)).toEqual(webgpuBackend.dtypeOrder(true));
  });

  it('the Node client on onnxruntime-node loads as cpu (not as wasm in disguise) and picks int8', async () => {
    const clf = await createClassifier({ model: FIXTURE, runtime: 'node' });
    expect(clf.info()).toMatchObject({ backend: 'cpu', dtype: 'int8' });
    await clf.dispose();
  });
});
