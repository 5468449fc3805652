import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHead, trainHead } from '../src/engine/head.js';
import { fitTemperature } from '../src/engine/head-fit.js';

// scripts/head-golden.py: scipy's L-BFGS-B on the same objective, and scipy's bounded minimiser of the NLL in T.
const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'head-golden.json'), 'utf8')) as {
  fits: { lambda: number; labels: string[]; x: number[][]; y: number[]; weights: number[][]; bias: number[] }[];
  temperature: { logits: number[][]; gold: number[]; t: number };
};

describe("the head's numbers against scipy", () => {
  it.each(golden.fits.map((f) => [`${f.labels.length} labels, ${f.x.length} examples, λ ${f.lambda}`, f] as const))('logistic regression weights and bias: %s', (_, f) => {
    const dim = f.x[0]!.length;
    const head = trainHead(f.x.map((r) => Float32Array.from(r)), f.x.map((_, i) => `예문 ${i}`), f.y.map((c) => f.labels[c]!), { model: 'm', space: 's', dim }, { ngrams: null, lambda: f.lambda });
    expect(head.labels).toEqual(f.labels);
    const { weights } = parseHead(head);
    const scale = Math.max(...f.weights.flat().map(Math.abs));
    f.weights.flat().forEach((w, i) => expect(Math.abs(weights[i]! - w)).toBeLessThan(1e-3 * scale));
    f.bias.forEach((b, c) => expect(Math.abs(head.bias[c]! - b)).toBeLessThan(1e-3 * scale));
  });

  it('temperature: the NLL minimiser of out-of-fold logits', () => {
    const { logits, gold, t } = golden.temperature;
    expect(fitTemperature(logits.map((z) => Float64Array.from(z)), gold)).toBeCloseTo(t, 6);
  });
});
