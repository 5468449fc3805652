// Package hygiene for every published package: publint (package.json/exports vs files) and
// @arethetypeswrong/cli (types resolve for ESM consumers), then the size-limit budgets.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packages = ['core', 'react', 'embed', 'cli', 'testing'];
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.split('\n').filter((l) => !l.startsWith('npm warn')).join('\n') };
};

let failed = 0;
for (const p of packages) {
  for (const [name, cmd, args] of [
    ['publint', 'npx', ['publint', '--strict', `packages/${p}`]],
    ['attw', 'npx', ['attw', '--pack', `packages/${p}`, '--profile', 'esm-only', '--format', 'table-flipped']],
  ]) {
    const r = run(cmd, args);
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name} @ko-classify/${p}`);
    if (!r.ok) {
      failed++;
      console.log(r.out);
    }
  }
}
const size = run('npx', ['size-limit']);
console.log(size.out.split('\n').filter((l) => /Size|limit|@ko-classify|✖|exceeded/i.test(l)).join('\n'));
if (!size.ok) failed++;
console.log(failed ? `${failed} package check(s) failed` : 'package checks passed');
process.exit(failed ? 1 : 0);
