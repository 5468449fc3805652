/**
 * `ko-classify calibrate`: temperature scaling, the uncertain band and (multi-label) thresholds,
 * fitted on one half of a labelled TSV and reported on the other half, written into config.json.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { loadEngine, readModelJson, writeManifest, type LoadEngineOptions } from '@ko-classify/core/node';
import { postprocess, type Engine, type ModelConfig } from '@ko-classify/core/engine';
import { ECE_BINS, eceOf, multiLabelReliability, singleLabelReliability } from './calibration/ece.js';
import { labelSetKey, marginOf, splitHalves, tuneThresholds, youdenEdge } from './calibration/fit.js';
import { logitsOf, padIdOf } from './calibration/logits.js';
import { T_MAX, T_MIN, fitSigmoidTemperature, fitSoftmaxTemperature } from './calibration/temperature.js';
import { goldIndices, scoreLabels } from './metrics.js';
import { column, readTsv } from './tsv.js';
import { CalibrateError, type BandFigures, type CalibrateOptions, type CalibrateReport } from './calibration/report.js';

export { CalibrateError, type BandFigures, type CalibrateErrorCode, type CalibrateOptions, type CalibrateReport } from './calibration/report.js';

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

function readTexts(path: string, col: string): string[] {
  const { header, rows } = readTsv(path);
  const i = column(header, col, path);
  const texts = rows.map((r) => r[i] ?? '').filter((t) => t.trim());
  if (!texts.length) throw new CalibrateError('NO_TEXTS', `${path} has no non-empty text in column "${col}"`);
  return texts;
}

/** Scores of logits under the model's head with a given calibration (core's post-processing, no band). */
function scoresUnder(config: ModelConfig, logits: readonly Float32Array[], temperature: number | Record<string, number> | null, thresholds?: Record<string, number>): number[][] {
  const head = { ...config, calibration: temperature === null ? null : { method: 'temperature' as const, temperature }, uncertainty: null, thresholds: thresholds ?? config.thresholds };
  return logits.map((z) => config.labels.map((l) => postprocess(z, head).scores[l]!));
}

/**
 * Fits on the fit half, reports on the other, and (unless dryRun) writes config.json atomically.
 *
 * @example
 * const r = await calibrateModel('my-model', 'dev.tsv', { textCol: 'text', labelCol: 'label' });
 * console.log(formatCalibrate(r)); // temperature, ECE before → after on the held-out half, the band
 */
export async function calibrateModel(dir: string, dataPath: string, o: CalibrateOptions = {}): Promise<CalibrateReport> {
  const seed = o.seed ?? 42;
  const { header, rows } = readTsv(dataPath);
  const ti = column(header, o.textCol ?? 'document', dataPath);
  const li = column(header, o.labelCol ?? 'label', dataPath);
  if (o.maxFlagged !== undefined && !(o.maxFlagged > 0 && o.maxFlagged <= 1)) throw new CalibrateError('BAD_OPTION', `--max-flagged must be a share in (0, 1], got ${o.maxFlagged}`);
  if (o.minSupport !== undefined && !(Number.isInteger(o.minSupport) && o.minSupport >= 0)) throw new CalibrateError('BAD_OPTION', `--min-support must be a non-negative integer, got ${o.minSupport}`);
  if (o.unsure && !existsSync(o.unsure)) throw new CalibrateError('NO_TEXTS', `no --unsure TSV at ${o.unsure}`);
  if (o.sure && !existsSync(o.sure)) throw new CalibrateError('NO_TEXTS', `no --sure TSV at ${o.sure}`);
  const { engine, file, runtime } = await loadEngine(dir, { ...o, dtype: o.dtype ?? 'int8', onProgress: undefined });
  let report: CalibrateReport;
  try {
    report = await fit(engine, dir, dataPath, rows, ti, li, seed, o, file, runtime);
  } finally {
    await engine.release();
  }
  if (!o.dryRun) report.changed = writeConfig(dir, dataPath, report);
  return report;
}

async function fit(engine: Engine, dir: string, dataPath: string, rows: string[][], ti: number, li: number, seed: number, o: CalibrateOptions, file: string, runtime: string): Promise<CalibrateReport> {
  const config = engine.config;
  const { labels } = config;
  const multi = config.problemType === 'multi_label_classification';
  if (config.problemType === 'regression') throw new CalibrateError('NOT_A_CLASSIFIER', 'a regression model has no probabilities to calibrate');
  if (o.unsure && multi) throw new CalibrateError('BAD_OPTION', '--unsure is for single-label models (a multi-label band is fitted on the rows the thresholds get wrong)');
  // Gold labels are checked first, so a bad cell fails before any model run.
  const allGold = rows.map((r, i) => goldIndices(r[li] ?? '', labels, multi, `${dataPath} line ${i + 2}`));
  if (rows.length < 40) throw new CalibrateError('TOO_FEW_ROWS', `${dataPath} has ${rows.length} labelled rows; calibrate needs at least 40 (20 per half), and more give steadier temperatures`);
  const padId = padIdOf(readModelJson(dir, 'config.json'));
  const raw = await logitsOf(engine, rows.map((r) => r[ti] ?? ''), padId, o.batchSize ?? 32, o.onProgress);
  // Empty texts get no class (and no scores): they take no part in the fit.
  // The halves are of every row, as `eval --half` splits them; empty texts then drop out of each.
  const halves = splitHalves(allGold.map(labelSetKey), seed);
  const fi = halves.fit.filter((i) => raw[i]);
  const ri = halves.report.filter((i) => raw[i]);
  if (fi.length < 20 || ri.length < 20) throw new CalibrateError('TOO_FEW_ROWS', `${dataPath} has ${fi.length + ri.length} non-empty texts; calibrate needs at least 40 (20 per half)`);
  const logits = raw as Float32Array[];
  const gold = allGold;
  const pick = <T>(xs: readonly T[], idx: readonly number[]) => idx.map((i) => xs[i]!);
  const [zf, zr, gf, gr] = [pick(logits, fi), pick(logits, ri), pick(gold, fi), pick(gold, ri)];
  const ece = (s: number[][], g: number[][]) => eceOf(multi ? multiLabelReliability(s, g) : singleLabelReliability(s, g.map((x) => x[0]!)));

  let temperature: number | Record<string, number>;
  if (multi) {
    temperature = Object.fromEntries(labels.map((l, c) => [l, round(fitSigmoidTemperature(zf.map((z) => z[c]!), gf.map((g) => (g.includes(c) ? 1 : 0))), 4)]));
  } else {
    temperature = round(fitSoftmaxTemperature(zf, gf.map((g) => g[0]!)), 4);
  }
  const plainF = scoresUnder(config, zf, null);
  const plainR = scoresUnder(config, zr, null);
  const calF = scoresUnder(config, zf, temperature);
  const calR = scoresUnder(config, zr, temperature);
  const before = config.thresholds;
  // A label with few gold rows in the fit half would get a threshold fitted to a handful of comments
  // (and, the band being a margin in probability, a low one flags every comment whose score is near
  // 0): it keeps its earlier threshold, moved onto the calibrated scale, which decides as before.
  const minSupport = o.minSupport ?? 10;
  const support = labels.map((_, c) => gf.filter((g) => g.includes(c)).length);
  const kept = multi ? labels.filter((_, c) => support[c]! < minSupport) : [];
  const moved = (l: string) => {
    const t = Math.min(Math.max(before[l]!, 1e-6), 1 - 1e-6);
    return round(1 / (1 + Math.exp(-Math.log(t / (1 - t)) / (temperature as Record<string, number>)[l]!)), 3);
  };
  const after = multi ? Object.fromEntries(tuneThresholds(calF, gf, labels.length).map((t, c) => [labels[c]!, kept.includes(labels[c]!) ? moved(labels[c]!) : t])) : before;
  const tv = labels.map((l) => after[l]!);
  const predict = (s: number[], th: Record<string, number>) => (multi ? labels.flatMap((l, c) => (s[c]! >= th[l]! ? [c] : [])) : [s.indexOf(Math.max(...s))]);
  const right = (s: number[], g: number[], th = after) => {
    const p = predict(s, th);
    return p.length === g.length && g.every((c) => p.includes(c));
  };
  // The band's statistic: the best calibrated score (single-label) or the distance to the nearest threshold.
  const stat = (s: number[]) => (multi ? marginOf(s, tv) : Math.max(...s));
  const extraCol = o.extraTextCol ?? o.textCol ?? 'document';
  let unsure: { texts: number[][]; fit: number[][]; report: number[][] } | undefined;
  if (o.unsure) {
    const z = (await logitsOf(engine, readTexts(o.unsure, extraCol), padId, o.batchSize ?? 32)).filter((x) => x !== null);
    const s = scoresUnder(config, z, temperature);
    const h = splitHalves(s.map(() => ''), seed);
    unsure = { texts: s, fit: pick(s, h.fit), report: pick(s, h.report) };
  }
  const flagF = unsure ? unsure.fit.map(stat) : calF.filter((s, i) => !right(s, gf[i]!)).map(stat);
  const keepF = unsure ? calF.map(stat) : calF.filter((s, i) => right(s, gf[i]!)).map(stat);
  const maxFlagged = o.maxFlagged ?? 0.2;
  const { edge, j } = youdenEdge(flagF, keepF, multi ? 0.5 : 1, { of: calF.map(stat), share: maxFlagged });
  const figures = (s: number[][], g?: number[][]): BandFigures => {
    const flagged = s.map((x) => stat(x) < edge);
    const out: BandFigures = { n: s.length, flagged: flagged.filter(Boolean).length / s.length };
    if (!g) return out;
    const ok = s.map((x, i) => right(x, g[i]!));
    const certain = ok.filter((_, i) => !flagged[i]);
    const wrong = flagged.filter((_, i) => !ok[i]);
    return { ...out, accuracy: ok.filter(Boolean).length / s.length, accuracy_certain: certain.length ? certain.filter(Boolean).length / certain.length : null, errors_flagged: wrong.length ? wrong.filter(Boolean).length / wrong.length : null };
  };
  // --sure texts: the share flagged; with the labelled file's label column, the accuracy figures too.
  const sureFigures = async (path: string): Promise<BandFigures> => {
    const { header, rows: sr } = readTsv(path);
    const ci = column(header, extraCol, path);
    const gi = header.indexOf(o.labelCol ?? 'label');
    const kept = sr.filter((r) => (r[ci] ?? '').trim());
    if (!kept.length) throw new CalibrateError('NO_TEXTS', `${path} has no non-empty text in column "${extraCol}"`);
    const z = await logitsOf(engine, kept.map((r) => r[ci]!), padId, o.batchSize ?? 32);
    const idx = z.flatMap((x, i) => (x ? [i] : []));
    const s = scoresUnder(config, idx.map((i) => z[i]!), temperature);
    return figures(s, gi < 0 ? undefined : idx.map((i) => goldIndices(kept[i]![gi] ?? '', labels, multi, `${path} row ${i + 1}`)));
  };
  const scoresOf = (s: number[][], g: number[][], th: Record<string, number>) => {
    const r = scoreLabels(labels, g, s.map((x) => predict(x, th)), true);
    return { micro_f1: r.multi_label!.micro_f1, macro_f1: r.macro_f1, exact_match: r.multi_label!.exact_match };
  };
  return {
    model: relative(process.cwd(), dir) || '.',
    data: dataPath,
    file,
    runtime,
    seed,
    rows: { fit: fi.length, report: ri.length },
    temperature,
    ece: { before: ece(plainR, gr), after: ece(calR, gr), bins: ECE_BINS },
    ece_fit: { before: ece(plainF, gf), after: ece(calF, gf) },
    ...(multi ? { thresholds: { before, kept, minSupport, after, report: { before: scoresOf(plainR, gr, before), plain_retuned: scoresOf(plainR, gr, Object.fromEntries(tuneThresholds(plainF, gf, labels.length).map((t, c) => [labels[c]!, t]))), after: scoresOf(calR, gr, after) } } } : {}),
    uncertainty: {
      rule: `${unsure
        ? `min_score maximises Youden's J between the fit half of ${basename(o.unsure!)} (to flag) and the fit half of ${basename(dataPath)} (to keep)`
        : `${multi ? 'margin' : 'min_score'} maximises Youden's J between the fit half's wrong rows (to flag) and its right rows (to keep)${multi ? ' (wrong: predicted set ≠ gold set, re-tuned thresholds)' : ''}`}, among edges that flag at most ${round(100 * maxFlagged, 2)}% of the fit half`,
      band: multi ? { margin: edge } : { min_score: edge },
      youden_j: j,
      fit: figures(calF, gf),
      report: figures(calR, gr),
      ...(unsure ? { unsure: { data: o.unsure!, fit: figures(unsure.fit), report: figures(unsure.report) } } : {}),
      ...(o.sure ? { sure: { data: o.sure, all: await sureFigures(o.sure) } } : {}),
    },
    warnings: Object.entries(typeof temperature === 'number' ? { '': temperature } : temperature)
      .filter(([, t]) => t <= T_MIN || t >= T_MAX)
      .map(([l, t]) => `temperature${l ? ` of ${l}` : ''} ${t} is at the end of the search range [${T_MIN}, ${T_MAX}]: the scores say (almost) nothing about these labels${t >= T_MAX ? '' : ' or they separate them perfectly'}; check --label-col and the label names`),
    changed: [],
  };
}

/**
 * config.json with the fitted calibration, band and thresholds, written to a temporary file and
 * renamed over the old one (never half-written); manifest.json refreshed when the folder has one.
 */
function writeConfig(dir: string, dataPath: string, r: CalibrateReport): string[] {
  const path = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  // What `ko-classify card` reads to report ECE on the other half (the engine ignores these keys).
  const fitted = { data: basename(dataPath), half: 'fit', rows: r.rows.fit, split: 'stratified by label set', seed: r.seed, file: r.file };
  const changed: string[] = [];
  const set = (key: string, value: unknown) => {
    const old = JSON.stringify(config[key]);
    if (old !== JSON.stringify(value)) changed.push(`${key}: ${old ?? '(none)'} → ${JSON.stringify(value)}`);
    config[key] = value;
  };
  const ece = { ece_before: round(r.ece.before, 4), ece_after: round(r.ece.after, 4), ece_on: `the other half (${r.rows.report} rows), ${r.ece.bins} equal-width bins` };
  set('calibration', { method: 'temperature', temperature: r.temperature, fitted_on: fitted, ...ece });
  set('uncertainty', { ...r.uncertainty.band, fitted_on: fitted });
  if (r.thresholds) set('label_thresholds', r.thresholds.after);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(tmp, path);
  if (existsSync(join(dir, 'manifest.json'))) {
    const m = writeManifest(dir);
    changed.push(`manifest.json: revision ${m.revision ?? ''}`);
  }
  return changed;
}

/** The report as text: what was fitted, the held-out figures, what changed. */
export function formatCalibrate(r: CalibrateReport): string {
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)}%`);
  const band = (b: BandFigures) => `${pct(b.flagged)} flagged${b.accuracy !== undefined ? `, accuracy ${pct(b.accuracy)} → ${pct(b.accuracy_certain)} on the rest, ${pct(b.errors_flagged)} of errors flagged` : ''} (n ${b.n})`;
  const t = typeof r.temperature === 'number' ? r.temperature.toFixed(4) : Object.entries(r.temperature).map(([l, v]) => `${l} ${v.toFixed(4)}`).join(', ');
  const u = r.uncertainty;
  const lines = [
    `${r.model} (${r.file}, ${r.runtime}) on ${r.data}: fit half ${r.rows.fit} rows, report half ${r.rows.report} (seed ${r.seed})`,
    `temperature ${t}`,
    `ECE on the report half (${r.ece.bins} bins): ${r.ece.before.toFixed(4)} → ${r.ece.after.toFixed(4)} (fit half ${r.ece_fit.before.toFixed(4)} → ${r.ece_fit.after.toFixed(4)})`,
  ];
  if (r.thresholds) {
    const th = r.thresholds;
    lines.push(`thresholds ${Object.entries(th.after).map(([l, v]) => `${l} ${th.before[l]} → ${v}${th.kept.includes(l) ? ' (kept: < ' + th.minSupport + ' gold rows in the fit half)' : ''}`).join(', ')}`);
    const s = (x: { micro_f1: number; macro_f1: number; exact_match: number }) => `micro-F1 ${pct(x.micro_f1)}, macro-F1 ${pct(x.macro_f1)}, exact match ${pct(x.exact_match)}`;
    lines.push(`report half: before ${s(th.report.before)}; plain sigmoid, thresholds tuned on the fit half ${s(th.report.plain_retuned)}; after ${s(th.report.after)}`);
  }
  lines.push(`uncertain band ${JSON.stringify(u.band)} (${u.rule}; J ${u.youden_j.toFixed(3)})`, `  fit half: ${band(u.fit)}`, `  report half: ${band(u.report)}`);
  if (u.unsure) lines.push(`  ${u.unsure.data}: fit ${band(u.unsure.fit)}; report ${band(u.unsure.report)}`);
  if (u.sure) lines.push(`  ${u.sure.data}: ${band(u.sure.all)}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push(r.changed.length ? `changed:\n${r.changed.map((c) => `  ${c}`).join('\n')}` : 'config.json unchanged');
  return lines.join('\n');
}
