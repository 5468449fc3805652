// The int8 GEMM ceiling: MatMulInteger alone at the model's shapes, on the ORT build ko-classify ships,
// with the same threads, in the bench's gemm.html page.
import { DataType, encodeModel, node, onnx, tensor } from '@ko-classify/cli';

function matMulIntegerModel(m, k, n) {
  const b = new Int8Array(k * n);
  for (let i = 0; i < b.length; i++) b[i] = ((i * 2654435761) >>> 25) - 64;
  const g = onnx.GraphProto.create({
    name: 'gemm',
    node: [node('MatMulInteger', ['a', 'b', 'a_zp', 'b_zp'], ['y'], 'mmi')],
    initializer: [tensor('b', DataType.INT8, [k, n], b), tensor('a_zp', DataType.UINT8, [], new Uint8Array([128])), tensor('b_zp', DataType.INT8, [n], new Int8Array(n))],
    input: [onnx.ValueInfoProto.create({ name: 'a', type: { tensorType: { elemType: DataType.UINT8, shape: { dim: [{ dimValue: m }, { dimValue: k }] } } } })],
    output: [onnx.ValueInfoProto.create({ name: 'y', type: { tensorType: { elemType: DataType.INT32, shape: { dim: [{ dimValue: m }, { dimValue: n }] } } } })],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ko-classify-bench', opsetImport: [{ domain: '', version: 17 }], graph: g }));
}

/** GOP/s of MatMulInteger at M ∈ {512, 2048} × the model's (h×h, h×ffn, ffn×h). */
export async function measureGemm(browser, base, config, threads, step) {
  const h = config.hidden_size;
  const ffn = config.intermediate_size;
  const cases = [];
  for (const m of [512, 2048]) for (const [k, n] of [[h, h], [h, ffn], [ffn, h]]) cases.push({ name: `${m}×${k}×${n}`, m, k, n, model: Array.from(matMulIntegerModel(m, k, n)) });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/gemm.html`);
  await page.waitForFunction(() => typeof window.gemm === 'function');
  const gemm = await step(page, 'int8 GEMM microbenchmark', ({ cases, threads }) => window.gemm(cases.map((c) => ({ ...c, model: new Uint8Array(c.model) })), threads), { cases, threads });
  await context.close();
  console.log(`int8 GEMM: ${gemm.map((g) => `${g.name} ${g.gops.toFixed(1)} GOP/s`).join(', ')}`);
  return gemm;
}
