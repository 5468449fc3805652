import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

// `classify --shard i/n` as the tasks of a real distributed engine (Dask, Debian's python3-distributed,
// which `npm test`'s bootstrap installs): a local cluster of worker processes runs one task per shard,
// one task dies with its worker mid-write and is rerun by the scheduler. The shards' union must be the
// whole run, byte for byte, each row once.
const repo = resolve(import.meta.dirname, '..');
const python = process.env.KO_PYTHON ?? '/usr/bin/python3';
const cli = ['node', join(repo, 'packages/cli/bin/ko-classify.js')];
// 1,024 NSMC reviews (CC0) in the CLI's own data; batches of 4 so a shard's output comes out in many writes.
const input = join(repo, 'packages/cli/data/calibration-ko.tsv');
const classify = ['classify', 'ko-sentiment', input, '--threads', '1', '--batch', '4'];

test('Dask: the union of the shards is the whole run byte for byte, and a killed task rerun leaves no duplicate', () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'ko-dask-'));
  try {
    const [node, ...bin] = cli;
    execFileSync(node!, [...bin, ...classify, '-o', join(dir, 'whole.jsonl'), '-q'], { cwd: repo });
    const whole = readFileSync(join(dir, 'whole.jsonl'), 'utf8').split('\n').slice(0, -1);
    expect(whole).toHaveLength(1024);

    const n = 4;
    const killShard = 1;
    const report = JSON.parse(
      execFileSync(python, [join(import.meta.dirname, 'dask_shards.py'), dir, String(n), '3', String(killShard), '--', ...cli, ...classify], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as { shards: { shard: number; attempt: number }[]; killed: { complete_lines: number; torn: boolean; finished_before_kill: boolean } | null };
    console.log(JSON.stringify(report.killed), report.shards.map((s) => `shard ${s.shard}: attempt ${s.attempt}`).join(', '));
    // The kill really happened mid-shard, and Dask reran that task (a second attempt) after its worker died.
    expect(report.killed).not.toBeNull();
    expect(report.killed!.finished_before_kill).toBe(false);
    expect(report.killed!.complete_lines).toBeLessThan(whole.length / n);
    expect(report.shards.map((s) => [s.shard, s.attempt])).toEqual([0, 1, 2, 3].map((i) => [i, i === killShard ? 2 : 1]));

    // Row r of the whole run is row ⌊r/n⌋ of shard r mod n: every line identical, none twice, none missing.
    const parts = Array.from({ length: n }, (_, i) => readFileSync(join(dir, `part-${i}.jsonl`), 'utf8').split('\n').slice(0, -1));
    expect(parts.map((p) => p.length)).toEqual(Array(n).fill(whole.length / n));
    const union = whole.map((_, r) => parts[r % n]![Math.floor(r / n)]);
    expect(union).toEqual(whole);
    expect(existsSync(join(dir, `attempts-${killShard}`))).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
