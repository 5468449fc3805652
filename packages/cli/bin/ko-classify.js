#!/usr/bin/env node
// The committed bin target: npm links a workspace's bin only if its file exists at install time, and
// dist/ is built later. This shim loads the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  console.error('ko-classify: the CLI is not built yet (dist/bin.js is missing): run `npm run build` in the repository root');
  process.exit(1);
}
await import(built.href);
