// `ko-classify classify` on Node: rows/s over 100,000 NSMC rows with 1 and 2 worker threads, and peak
// RSS at 10,000 and at 100,000 rows (streaming keeps it flat). Runs the built CLI as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** The CLI's closing line: `… N rows (E errors) in S s, R rows/s on T threads (file); peak RSS M MB`. */
const SUMMARY = /(\d+) rows \((\d+) errors[^)]*\) in ([\d.]+) s, (\d+) rows\/s on (\d+) threads? \(([^)]+)\); peak RSS (\d+) MB/;

export function benchBulk({ root, trainPath, modelDir, rows = 100_000 }) {
  const dir = mkdtempSync(join(os.tmpdir(), 'ko-bulk-'));
  // id and document only: the gold `label` column would clash with the predictions the CLI adds.
  const lines = readFileSync(trainPath, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 2).join('\t'));
  if (lines.length <= rows) throw new Error(`${trainPath} has fewer than ${rows} rows`);
  const measure = (n, threads) => {
    const input = join(dir, `rows-${n}.tsv`);
    writeFileSync(input, `${lines[0]}\n${lines.slice(1, n + 1).join('\n')}\n`);
    const args = [join(root, 'packages/cli/bin/ko-classify.js'), 'classify', modelDir, input, '-o', join(dir, 'out.jsonl'), '--text-col', 'document', '--threads', String(threads), '-q'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const m = SUMMARY.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) throw new Error(`ko-classify classify failed (exit ${r.status}):\n${r.stderr}`);
    const out = { rows: Number(m[1]), threads, errors: Number(m[2]), seconds: Number(m[3]), rowsPerSecond: Number(m[4]), file: m[6], peakRssMb: Number(m[7]) };
    console.log(`classify: ${out.rows} rows on ${threads} thread(s): ${out.rowsPerSecond} rows/s, peak RSS ${out.peakRssMb} MB`);
    return out;
  };
  try {
    return { small: measure(10_000, 2), one: measure(rows, 1), two: measure(rows, 2) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
