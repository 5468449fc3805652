// Makes a fresh clone runnable: installs npm dependencies when missing or stale; with --browser makes
// sure a Chromium and a Korean font exist for the browser tests (Debian: apt-get install chromium
// fonts-noto-cjk); with --python, Debian's PyTorch, ONNX and SentencePiece for the training tests and
// Dask (python3-distributed) for the sharded-CLI e2e.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });

const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('[bootstrap] installing npm dependencies…');
  run(process.env.CI ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund');
}

if (process.argv.includes('--python')) {
  // The training recipe's tests (train your own labels) run Debian's PyTorch, ONNX and SentencePiece.
  const python = process.env.KO_PYTHON ?? '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch, onnx, sentencepiece, distributed'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    const isRoot = process.getuid?.() === 0;
    const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
    const packages = 'python3-torch python3-onnx python3-sentencepiece sentencepiece libopenblas0-pthread python3-distributed';
    if (!isRoot || !hasApt) {
      console.error(`[bootstrap] ${python} cannot import torch, onnx, sentencepiece and distributed (Dask): install them (Debian: sudo apt-get install -y ${packages}), then run npm test again.`);
      process.exit(1);
    }
    console.log('[bootstrap] installing Debian PyTorch, ONNX, SentencePiece and Dask for the training and shard tests…');
    run(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages}`);
  }
}

if (process.argv.includes('--browser')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  // Debian's Chromium has no Korean font: without one every Hangul glyph in a screenshot is a box.
  const KOREAN_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
  const missing = [!existsSync(chromium) && 'chromium', !existsSync(KOREAN_FONT) && 'fonts-noto-cjk'].filter(Boolean);
  if (missing.length) {
    const isRoot = process.getuid?.() === 0;
    const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
    if (isRoot && hasApt) {
      console.log(`[bootstrap] installing Debian ${missing.join(' and ')} for the browser tests…`);
      run(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`);
    } else if (missing.includes('chromium')) {
      console.error(
        `[bootstrap] no Chromium at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium fonts-noto-cjk) ` +
          'or point CHROMIUM_PATH at a Chromium/Chrome binary, then run npm test again.',
      );
      process.exit(1);
    } else {
      console.warn('[bootstrap] no Korean font (Debian: sudo apt-get install -y fonts-noto-cjk): screenshots will show boxes for Hangul');
    }
  }
}
