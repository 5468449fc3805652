import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

// A new contributor's first minutes, on a clean clone of this commit (committed files only): the CLI
// bin exists right after `npm ci` (its target is a committed shim), says how to build when the
// build is missing, and works after `npm run build`.
const repo = resolve(import.meta.dirname, '..');

test('npx ko-classify --help works after npm ci && npm run build on a fresh clone', async () => {
  test.setTimeout(600_000);
  const dir = join(mkdtempSync(join(tmpdir(), 'ko-clone-')), 'repo');
  try {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repo, dir], { stdio: 'ignore' });
    const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(sh('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']).status).toBe(0);
    const before = sh('npx', ['ko-classify', '--help']);
    expect(before.status).toBe(1);
    expect(before.stderr).toContain('run `npm run build`');
    const build = sh('npm', ['run', 'build']);
    expect(build.status, build.stderr.slice(-2000)).toBe(0);
    const help = sh('npx', ['ko-classify', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('classify <model>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
