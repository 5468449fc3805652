import { parseArgs } from 'node:util';
import { writeManifest } from './manifest.js';
import { QuantizeError } from './onnx/quantize.js';
import { formatSizeTable, quantizeFile } from './quantize-command.js';

const USAGE = `usage: ko-classify <command> [options]

commands:
  quantize <model.onnx> --int8 | --int4 [--block-size 32] [-o out.onnx]
      int8: MatMulInteger graph for WASM; int4: MatMulNBits for WebGPU. Writes model_int8.onnx /
      model_q4.onnx beside the input by default, and refreshes manifest.json in a model directory.
  manifest <model dir>
      write manifest.json (size + sha256 of every model file)
`;

/** Runs one CLI command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'quantize': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { int8: { type: 'boolean' }, int4: { type: 'boolean' }, 'block-size': { type: 'string' }, output: { type: 'string', short: 'o' } },
      });
      const input = positionals[0];
      if (!input || values.int8 === values.int4) throw new Error('quantize needs <model.onnx> and exactly one of --int8 / --int4');
      const blockSize = values['block-size'] ? Number(values['block-size']) : undefined;
      try {
        const r = quantizeFile(input, { mode: values.int8 ? 'int8' : 'int4', blockSize, output: values.output });
        console.log(formatSizeTable(r.report, r.bytesIn, r.bytesOut));
        console.log(`wrote ${r.output}`);
        return 0;
      } catch (e) {
        if (e instanceof QuantizeError) {
          console.error(`ko-classify quantize: refusing ${input}: ${e.message}`);
          return 2;
        }
        throw e;
      }
    }
    case 'manifest': {
      const dir = rest[0];
      if (!dir) throw new Error('manifest needs a model directory');
      const m = writeManifest(dir);
      for (const [f, { size }] of Object.entries(m.files)) console.log(`${String(size).padStart(12)}  ${f}`);
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command ? 0 : 1;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}
