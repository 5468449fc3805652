import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine, type OrtModule } from '@ko-classify/core/engine';
import { loadEngine } from '@ko-classify/core/node';
import { fixtureFiles } from '../../core/test/helpers.js';
import { CalibrateError, calibrateModel } from '../src/calibrate-command.js';
import { writeCard } from '../src/card-command.js';
import { quantizeFile } from '../src/quantize-command.js';
import { main } from '../src/cli.js';
import { evaluate } from '../src/eval-command.js';
import { labelSetKey, splitHalves } from '../src/calibration/fit.js';
import { logitsOf, resultsOf } from '../src/calibration/logits.js';
import { softmaxNll } from '../src/calibration/temperature.js';

const FIXTURE = join(import.meta.dirname, '../../core/test/fixtures/tiny-deberta');
const SAMPLE = join(import.meta.dirname, '../../core/test/fixtures/nsmc-dev-sample.tsv');
const rows = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1, 401).map((l) => l.split('\t'));
let dir = '';
let data = '';

// The tiny fixture knows nothing of NSMC's labels (its NLL-best temperature is the search bound): the
// gold labels here are its own fp32 predictions, one row in six moved to the next label, so the fitted
// temperature is a real optimum inside the range.
beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'ko-cal-')), 'm');
  cpSync(FIXTURE, dir, { recursive: true });
  const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(dir, 'onnx/model.onnx'));
  const predicted = (await engine.classify(rows.map((r) => r[1]!))).map((x) => engine.config.labels.indexOf(x.label!));
  await engine.release();
  rows.forEach((r, i) => (r[2] = String(i % 6 === 0 ? (predicted[i]! + 1) % 3 : predicted[i]!)));
  data = join(dir, '..', 'dev.tsv');
  writeFileSync(data, `id\tdocument\tlabel\n${rows.map((r) => r.join('\t')).join('\n')}\n`);
});

// The fixture's answers that an independent tally below checks: ECE of engine.classify's own scores.
function ece15(conf: number[], right: boolean[]): number {
  let total = 0;
  for (let b = 0; b < 15; b++) {
    const idx = conf.map((c, i) => [c, i] as const).filter(([c]) => (b === 0 ? c <= 1 / 15 : c > b / 15 && c <= (b + 1) / 15)).map(([, i]) => i);
    if (!idx.length) continue;
    const acc = idx.filter((i) => right[i]).length / idx.length;
    const mean = idx.reduce((a, i) => a + conf[i]!, 0) / idx.length;
    total += (idx.length / conf.length) * Math.abs(acc - mean);
  }
  return total;
}

describe('calibrate', () => {
  it('fits T on the fit half, writes config.json and the manifest; the engine then serves calibrated scores and eval reports their ECE', async () => {
    const r = await calibrateModel(dir, data, { dtype: 'fp32', sure: data });
    const t = r.temperature as number;
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.calibration).toMatchObject({ method: 'temperature', temperature: t });
    expect(config.uncertainty).toMatchObject({ min_score: (r.uncertainty.band as { min_score: number }).min_score });
    expect(r.changed.some((c) => c.startsWith('calibration:'))).toBe(true);
    expect(r.changed.some((c) => c.startsWith('manifest.json'))).toBe(true);
    // T is the NLL minimum on the fit half (of the engine's own logits)
    const { engine } = await loadEngine(dir, { dtype: 'fp32' }); // loads: the manifest matches the new config
    const gold = rows.map((x) => [Number(x[2])]);
    const { fit, report } = splitHalves(gold.map(labelSetKey), 42);
    expect([r.rows.fit, r.rows.report]).toEqual([fit.length, report.length]);
    const logits = (await logitsOf(engine, rows.map((x) => x[1]!), 0)) as Float32Array[];
    const nll = (tt: number) => softmaxNll(fit.map((i) => logits[i]!), fit.map((i) => gold[i]![0]!), tt);
    expect(nll(t * 1.02)).toBeGreaterThan(nll(t));
    expect(nll(t / 1.02)).toBeGreaterThan(nll(t));
    expect(Math.abs(t - 1)).toBeGreaterThan(0.01); // a fit that did nothing would not test the wiring
    expect(r.warnings).toEqual([]);
    // logits → core's postprocess give exactly what engine.classify returns, calibrated and plain
    const texts = rows.map((x) => x[1]!);
    for (const calibrated of [true, false]) {
      const direct = await engine.classify(texts, { calibrated });
      expect(resultsOf(engine, logits, calibrated)).toEqual(direct);
    }
    const served = await engine.classify(report.map((i) => texts[i]!));
    const plain = await engine.classify(report.map((i) => texts[i]!), { calibrated: false });
    await engine.release();
    const labels = ['negative', 'neutral', 'positive'];
    const right = (x: (typeof served)[number], k: number) => labels.indexOf(x.label!) === gold[report[k]!]![0];
    const e = await evaluate(dir, data, { dtype: 'fp32', half: 'report' });
    expect(e.n).toBe(report.length);
    expect(e.calibrated).toBe(true);
    expect(e.ece).toBeCloseTo(ece15(served.map((x) => x.score), served.map(right)), 12);
    expect(e.ece_uncalibrated).toBeCloseTo(ece15(plain.map((x) => x.score), plain.map(right)), 12);
    expect(r.ece.after).toBeCloseTo(e.ece, 12);
    expect(r.ece.before).toBeCloseTo(e.ece_uncalibrated, 12);
    expect(e.uncertain!.share).toBeCloseTo(served.filter((x) => x.uncertain).length / served.length, 12);
    expect(r.uncertainty.report.flagged).toBeCloseTo(e.uncertain!.share, 12);
    // --sure with a label column: its figures are eval's on the same file
    const all = await evaluate(dir, data, { dtype: 'fp32' });
    expect(r.uncertainty.sure!.all).toMatchObject({ n: all.n, accuracy: all.accuracy });
    expect(r.uncertainty.sure!.all.flagged).toBeCloseTo(all.uncertain!.share, 12);
    expect(r.uncertainty.sure!.all.accuracy_certain).toBeCloseTo(all.uncertain!.accuracy_certain!, 12);
  }, 60_000);

  it('the card reports ECE before/after on the half calibration did not see, with the reliability diagram', async () => {
    await quantizeFile(join(dir, 'onnx/model.onnx'), { mode: 'int8' });
    await quantizeFile(join(dir, 'onnx/model.onnx'), { mode: 'int4' });
    const r = await calibrateModel(dir, data, { dtype: 'int8' });
    writeFileSync(join(dir, 'calibration.json'), JSON.stringify(r));
    const meta = { summary: 's', task: 't', parameters: '0.1M', data: 'd', licence: 'MIT', evalName: 'the sample', evalPath: 'dev.tsv', reproduce: ['echo'] };
    const rows = await writeCard(dir, data, meta);
    const card = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const row of rows) {
      const e = await evaluate(dir, data, { dtype: row.dtype as 'int8', half: 'report' });
      expect([row.ece_before, row.ece_after, row.ece_rows]).toEqual([e.ece_uncalibrated, e.ece, e.n]);
      expect(card).toContain(`| ${e.ece_uncalibrated.toFixed(4)} | ${e.ece.toFixed(4)} |`);
    }
    expect(rows.find((x) => x.dtype === 'int8')!.ece_after).toBeCloseTo(r.ece.after, 12);
    expect(card).toContain(`T = ${r.temperature}`);
    expect(card).toContain(`(n = ${r.rows.report}; stratified by label set, seed 42)`);
    expect(card).toContain(`**Uncertain band** (config.json \`uncertainty\`) \`{ "min_score": ${(r.uncertainty.band as { min_score: number }).min_score} }\``);
    const svg = readFileSync(join(dir, 'reliability.svg'), 'utf8');
    expect(svg.match(/ECE \d\.\d{4}/g)).toEqual([`ECE ${r.ece.before.toFixed(4)}`, `ECE ${r.ece.after.toFixed(4)}`]);
    // without a calibration: no diagram, and the card says how to fit one
    const plain = join(mkdtempSync(join(tmpdir(), 'ko-cal-plain-')), 'm');
    cpSync(dir, plain, { recursive: true });
    const config = JSON.parse(readFileSync(join(plain, 'config.json'), 'utf8'));
    delete config.calibration;
    delete config.uncertainty;
    writeFileSync(join(plain, 'config.json'), JSON.stringify(config));
    const { writeManifest } = await import('@ko-classify/core/node');
    writeManifest(plain);
    await writeCard(plain, data, meta);
    expect(readFileSync(join(plain, 'README.md'), 'utf8')).toContain('no `calibration` in config.json');
    expect(existsSync(join(plain, 'reliability.svg'))).toBe(false);
  }, 120_000);

  it('bad input leaves config.json as it was, and the refusal names the fix', async () => {
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const bad = join(dir, '..', 'bad.tsv');
    writeFileSync(bad, `document\tlabel\n${rows.slice(0, 60).map((x, i) => `${x[1]}\t${i === 50 ? 'sideways' : x[2]}`).join('\n')}\n`);
    await expect(calibrateModel(dir, bad, { dtype: 'fp32' })).rejects.toThrow(/line 52: label "sideways" is neither an index nor one of negative, neutral, positive/);
    const few = join(dir, '..', 'few.tsv');
    writeFileSync(few, `document\tlabel\n${rows.slice(0, 30).map((x) => `${x[1]}\t${x[2]}`).join('\n')}\n`);
    await expect(calibrateModel(dir, few, { dtype: 'fp32' })).rejects.toMatchObject({ code: 'TOO_FEW_ROWS' });
    await expect(calibrateModel(dir, data, { dtype: 'fp32', unsure: join(dir, 'nope.tsv') })).rejects.toBeInstanceOf(CalibrateError);
    const err: string[] = [];
    const error = console.error;
    console.error = (s: string) => err.push(s);
    try {
      expect(await main(['calibrate', dir, few, '--dtype', 'fp32'])).toBe(2);
      expect(await main(['calibrate', dir, data, '--dtype', 'fp32', '--max-flagged', '3'])).toBe(2);
    } finally {
      console.error = error;
    }
    expect(err.join('\n')).toMatch(/refusing .*: .*needs at least 40/);
    expect(err.join('\n')).toMatch(/--max-flagged must be a share in \(0, 1\]/);
    const r = await calibrateModel(dir, data, { dtype: 'fp32', dryRun: true, seed: 7 });
    expect(r.changed).toEqual([]);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
  }, 60_000);

  it('multi-label: one temperature per label, thresholds re-tuned on the fit half, a margin band', async () => {
    const m = join(mkdtempSync(join(tmpdir(), 'ko-cal-ml-')), 'm');
    cpSync(FIXTURE, m, { recursive: true });
    const config = JSON.parse(readFileSync(join(m, 'config.json'), 'utf8'));
    writeFileSync(join(m, 'config.json'), JSON.stringify({ ...config, problem_type: 'multi_label_classification' }));
    const { writeManifest } = await import('@ko-classify/core/node');
    writeManifest(m);
    const ml = join(m, '..', 'ml.tsv');
    writeFileSync(ml, `text\tlabels\n${rows.map((x, i) => `${x[1]}\t${i % 4 === 0 ? `${x[2]},1` : x[2]}`).join('\n')}\n`);
    const r = await calibrateModel(m, ml, { dtype: 'fp32', textCol: 'text', labelCol: 'labels' });
    expect(Object.keys(r.temperature)).toEqual(['negative', 'neutral', 'positive']);
    const written = JSON.parse(readFileSync(join(m, 'config.json'), 'utf8'));
    expect(written.label_thresholds).toEqual(r.thresholds!.after);
    expect(written.uncertainty).toMatchObject({ margin: (r.uncertainty.band as { margin: number }).margin });
    const engine = await Engine.create(ortNode as unknown as OrtModule, fixtureFiles(m, 'onnx/model.onnx'));
    expect(engine.config.calibration?.temperature).toEqual(r.temperature);
    await engine.release();
    const e = await evaluate(m, ml, { dtype: 'fp32', textCol: 'text', labelCol: 'labels', half: 'report' });
    expect(e.ece).toBeCloseTo(r.ece.after, 12);
    expect(e.multi_label!.exact_match).toBeCloseTo(r.thresholds!.report.after.exact_match, 12);
    expect(r.thresholds!.kept).toEqual([]);
    // A label with too few gold rows keeps its threshold, moved onto the calibrated scale:
    // σ(logit(t) / T), the point where the calibrated score says what the plain one did at t.
    const old = { negative: 0.3, neutral: 0.6, positive: 0.45 };
    writeFileSync(join(m, 'config.json'), JSON.stringify({ ...config, problem_type: 'multi_label_classification', label_thresholds: old }));
    writeManifest(m);
    const k = await calibrateModel(m, ml, { dtype: 'fp32', textCol: 'text', labelCol: 'labels', minSupport: 100_000, dryRun: true });
    expect(k.thresholds!.kept).toEqual(['negative', 'neutral', 'positive']);
    for (const [l, t] of Object.entries(old)) {
      const T = (k.temperature as Record<string, number>)[l]!;
      expect(k.thresholds!.after[l]).toBeCloseTo(1 / (1 + Math.pow((1 - t) / t, 1 / T)), 3);
    }
    await expect(calibrateModel(m, ml, { dtype: 'fp32', textCol: 'text', labelCol: 'labels', minSupport: -1 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  }, 60_000);
});
