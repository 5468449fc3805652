import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultVariants, extraVariants } from '../bench/profile.mjs';

// The profile's variants (used by `npm run bench` and the start-up work) load files that the shipped model has.
describe('bench/profile.mjs variants', () => {
  it('every variant loads a file ko-sentiment ships', () => {
    const variants = [...defaultVariants(2), ...Object.values(extraVariants(2))] as { name: string; file: string }[];
    expect(variants.length).toBeGreaterThan(8);
    const missing = variants.filter((v) => !existsSync(join(import.meta.dirname, '../public/models/ko-sentiment', v.file))).map((v) => `${v.name}: ${v.file}`);
    expect(missing).toEqual([]);
  });
});
