/**
 * The card's calibration part: which rows its ECE columns are measured on, the reliability diagram
 * (reliability.svg, int8), and what `ko-classify calibrate` fitted (its report, calibration.json).
 */
import { unlinkSync, existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CalibrateReport, BandFigures } from './calibrate-command.js';
import { ECE_BINS, caseScores, eceNoiseFloor, eceOf, multiLabelReliability, singleLabelReliability } from './calibration/ece.js';
import { labelSetKey, splitHalves } from './calibration/fit.js';
import type { CardMeta, CardRow } from './card-command.js';
import type { ScoredRows } from './eval-command.js';
import { reliabilitySvg } from './reliability-svg.js';

export interface CalibrationFigures {
  config: Record<string, unknown>;
  data: string;
  /** Per dtype, the rows the ECE columns are measured on. */
  dtypes: Record<string, ScoredRows>;
  report?: CalibrateReport;
}

interface FittedOn {
  data?: string;
  seed?: number;
  rows?: number;
  file?: string;
}

const fittedOn = (config: Record<string, unknown>): FittedOn | null => {
  const f = (config.calibration as { fitted_on?: unknown } | undefined)?.fitted_on;
  return f !== null && typeof f === 'object' ? (f as FittedOn) : null;
};

/** The scored rows calibration never saw: the report half when config.json says it was fitted on this file, else all. */
export function reportHalfOf(s: ScoredRows, config: Record<string, unknown>, data: string): ScoredRows {
  const f = fittedOn(config);
  if (!f || f.data !== basename(data)) return s;
  const idx = splitHalves(s.gold.map(labelSetKey), f.seed ?? 42).report;
  const pick = <T>(xs: readonly T[]) => idx.map((i) => xs[i]!);
  return { ...s, gold: pick(s.gold), texts: pick(s.texts), results: pick(s.results), plain: pick(s.plain) };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)}%`);
const n = (x: number) => x.toLocaleString('en-US');

function bandLine(b: BandFigures): string {
  return `${pct(b.flagged)} flagged${b.accuracy !== undefined ? `; accuracy ${pct(b.accuracy)} of all, ${pct(b.accuracy_certain)} of the rest; ${pct(b.errors_flagged)} of the errors flagged` : ''} (n = ${n(b.n)})`;
}

/** The sentence under the scores table, and the card's Calibration section; writes reliability.svg. */
export function calibrationSection(dir: string, fig: CalibrationFigures, rows: readonly CardRow[], meta: CardMeta): { tableNote: string; section: string } {
  const f = fittedOn(fig.config);
  const onHalf = !!f && f.data === basename(fig.data);
  const multi = fig.dtypes.int8!.multi;
  const definition = multi
    ? `${ECE_BINS} equal-width bins over every (comment, label) pair's sigmoid score pooled (${fig.dtypes.int8!.labels.length} pairs per comment); ECE = Σ over bins of (pairs in bin / all pairs) × |share of pairs whose label is gold − mean score|`
    : `${ECE_BINS} equal-width bins over the top-label score; ECE = Σ over bins of (rows in bin / n) × |accuracy − mean score|`;
  const where = onHalf ? `the half of these rows that calibration did not see (n = ${n(rows[0]!.ece_rows)}; stratified by label set, seed ${f!.seed ?? 42})` : `all ${n(rows[0]!.ece_rows)} rows`;
  const tableNote = `ECE (expected calibration error: ${definition}) on ${where}: before = the plain ${multi ? 'sigmoid' : 'softmax'}, after = the calibrated scores the engine returns.`;
  const cal = fig.config.calibration as { temperature?: number | Record<string, number> } | undefined;
  if (!cal?.temperature) {
    if (existsSync(join(dir, 'reliability.svg'))) unlinkSync(join(dir, 'reliability.svg'));
    return { tableNote, section: '## Calibration\n\nThis model has no `calibration` in config.json: its scores are the plain ones (`ko-classify calibrate` fits one).' };
  }
  const int8 = fig.dtypes.int8!;
  const scores = (rs: ScoredRows['results']) => rs.map((r) => int8.labels.map((l) => r?.scores[l] ?? 0));
  const bins = (rs: ScoredRows['results']) => (multi ? multiLabelReliability(scores(rs), int8.gold) : singleLabelReliability(scores(rs), int8.gold.map((g) => g[0]!)));
  const [b0, b1] = [bins(int8.plain), bins(int8.results)];
  const t = cal.temperature;
  const tText = typeof t === 'number' ? `T = ${t}` : `one T per label`;
  writeFileSync(
    join(dir, 'reliability.svg'),
    reliabilitySvg(`${basename(dir)} int8, ${onHalf ? 'the held-out half' : 'all rows'} of ${meta.evalPath.split('/').pop()} (n = ${n(int8.gold.length)}${multi ? ` comments × ${int8.labels.length} labels` : ''})`, [
      { title: `before (plain ${multi ? 'sigmoid' : 'softmax'})`, bins: b0, ece: eceOf(b0) },
      { title: `after (${tText})`, bins: b1, ece: eceOf(b1) },
    ], multi ? 'score' : 'top-label score', multi ? 'share gold' : 'accuracy'),
  );
  const int8Row = rows.find((r) => r.dtype === 'int8')!;
  const floor = eceNoiseFloor(caseScores(scores(int8.results), multi));
  const goal = `${int8Row.ece_after <= 0.03 ? 'meets' : 'misses'} the goal of ECE ≤ 0.03. On ${n(int8.gold.length)} ${multi ? 'comments' : 'rows'} a perfectly calibrated model with these scores would still show ECE ≈ ${floor.toFixed(4)} from sampling alone (mean of 200 draws of outcomes from the calibrated scores)`;
  const lines = [
    '## Calibration',
    '',
    `Scores are temperature-scaled (config.json \`calibration\`): ${multi ? 'each label\'s sigmoid(logit / T_label)' : 'softmax(logits / T)'}, with ${typeof t === 'number' ? `T = ${t}` : Object.entries(t).map(([l, v]) => `\`${l}\` ${v}`).join(', ')}, fitted by negative log-likelihood (\`ko-classify calibrate\`) on ${f ? `the other half of ${f.data === basename(fig.data) ? 'these rows' : f.data} (${n(f.rows ?? 0)} rows, ${f.file ?? 'int8'})` : 'rows named in config.json'}. \`classify(texts, { calibrated: false })\` gives the plain scores. The int8 file's ECE on ${where}: ${int8Row.ece_before.toFixed(4)} before, ${int8Row.ece_after.toFixed(4)} after — ${goal}.`,
    '',
    `![Reliability diagram: accuracy per confidence bin before and after calibration](reliability.svg)`,
  ];
  const rep = fig.report;
  if (rep?.thresholds) {
    const th = rep.thresholds;
    const s = (x: { micro_f1: number; macro_f1: number; exact_match: number }) => `micro-F1 ${pct(x.micro_f1)}, macro-F1 ${pct(x.macro_f1)}, exact match ${pct(x.exact_match)}`;
    lines.push('', `**Thresholds.** After calibration each label's threshold was re-tuned on the calibrated scores of the fit half (${n(rep.rows.fit)} comments; best F1 over 0.05, 0.075 … 0.95, as \`training/ko_train/metrics.py\`):`, '', '| label | before | after |', '| --- | --- | --- |', ...Object.keys(th.after).map((l) => `| \`${l}\` | ${th.before[l]} | ${th.after[l]}${th.kept?.includes(l) ? ` (kept: fewer than ${th.minSupport} gold comments in the fit half, the earlier threshold moved to the calibrated scale: the same decisions)` : ''} |`), '', `On the report half (${n(rep.rows.report)} comments, ${rep.file}): before (plain sigmoid, the earlier thresholds) ${s(th.report.before)}; after (calibrated, re-tuned) ${s(th.report.after)}. The earlier thresholds were tuned on all ${n(rep.rows.fit + rep.rows.report)} rows, report half included, so their figures are in-sample; the re-tuned ones never saw the report half. Like for like, thresholds tuned on the fit half's plain sigmoid score ${s(th.report.plain_retuned)} there (a temperature is monotone per label, so calibration moves a label's decisions only through where the threshold grid falls).`);
  }
  if (rep) {
    const u = rep.uncertainty;
    const band = 'min_score' in u.band ? `\`{ "min_score": ${u.band.min_score} }\`: a result is \`uncertain\` when its best calibrated score is under ${u.band.min_score}` : `\`{ "margin": ${u.band.margin} }\`: a result is \`uncertain\` when some label's calibrated score is within ${u.band.margin} of its threshold`;
    lines.push('', `**Uncertain band** (config.json \`uncertainty\`) ${band}. Fitting rule: ${u.rule} (Youden's J ${u.youden_j.toFixed(3)}). With ${rep.file}:`, '', `- report half of ${basename(rep.data)} (held out): ${bandLine(u.report)}`, `- fit half: ${bandLine(u.fit)}`);
    if (u.unsure) lines.push(`- ${basename(u.unsure.data)} (texts the band should flag): ${pct(u.unsure.report.flagged)} of its report half flagged (n = ${n(u.unsure.report.n)}; fit half ${pct(u.unsure.fit.flagged)})`);
    if (u.sure) lines.push(`- ${basename(u.sure.data)} (texts it should not flag): ${bandLine(u.sure.all)}`);
  }
  if (meta.uncertaintyNotes) lines.push('', meta.uncertaintyNotes);
  return { tableNote, section: lines.join('\n') };
}
