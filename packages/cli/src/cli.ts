import { writeManifest } from './manifest.js';

const USAGE = `usage: ko-classify <command> [options]

commands:
  manifest <model dir>   write manifest.json (size + sha256 of every model file)
`;

/** Runs one CLI command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
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
