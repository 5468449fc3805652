/**
 * Scores of predicted labels against gold ones, shared by `eval` and `classify --label-col`:
 * accuracy, macro-F1 and the confusion matrix for single-label models; micro-/macro-F1, exact match
 * and per-label precision/recall/F1 for multi-label ones.
 */

/** Per label, for multi-label models. */
export interface LabelStats {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose gold labels include it. */
  support: number;
}

export interface Scores {
  n: number;
  /** Single-label: share of rows right. Multi-label: exact match (the predicted set is the gold set). */
  accuracy: number;
  macro_f1: number;
  /** confusion[true][predicted]; empty for multi-label. */
  confusion: number[][];
  multi_label?: { micro_f1: number; exact_match: number; per_label: LabelStats[] };
}

/**
 * A gold cell as label indices: an index or a label name; for a multi-label model a comma-separated
 * list of them. Throws naming the cell's line for anything else.
 */
export function goldIndices(raw: string, labels: readonly string[], multi: boolean, where: string): number[] {
  const toIndex = (x: string) => {
    const idx = /^\d+$/.test(x) && Number(x) < labels.length ? Number(x) : labels.indexOf(x);
    if (idx < 0) throw new Error(`${where}: label "${x}" is neither an index nor one of ${labels.join(', ')}`);
    return idx;
  };
  return (multi ? raw.split(',').map((x) => x.trim()).filter(Boolean) : [raw.trim()]).map(toIndex);
}

export function scoreLabels(labels: readonly string[], gold: readonly number[][], predicted: readonly number[][], multi: boolean): Scores {
  const n = gold.length;
  if (multi) {
    const per = labels.map((label, c) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      gold.forEach((g, i) => {
        const inGold = g.includes(c);
        const inPred = predicted[i]!.includes(c);
        if (inGold && inPred) tp++;
        else if (inPred) fp++;
        else if (inGold) fn++;
      });
      return { label, tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0, f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0, support: tp + fn };
    });
    const sum = (k: 'tp' | 'fp' | 'fn') => per.reduce((a, p) => a + p[k], 0);
    const exact = gold.filter((g, i) => g.length === predicted[i]!.length && g.every((c) => predicted[i]!.includes(c))).length / Math.max(1, n);
    return {
      n,
      accuracy: exact,
      macro_f1: per.reduce((a, p) => a + p.f1, 0) / per.length,
      confusion: [],
      multi_label: {
        micro_f1: (2 * sum('tp')) / Math.max(1, 2 * sum('tp') + sum('fp') + sum('fn')),
        exact_match: exact,
        per_label: per.map(({ label, precision, recall, f1, support }) => ({ label, precision, recall, f1, support })),
      },
    };
  }
  const confusion = labels.map(() => labels.map(() => 0));
  // A prediction of -1 (an empty text: no class) is wrong and in no column.
  gold.forEach((g, i) => {
    const p = predicted[i]![0] ?? -1;
    if (p >= 0) confusion[g[0]!]![p]!++;
  });
  const correct = labels.reduce((a, _, i) => a + confusion[i]![i]!, 0);
  const f1 = labels.map((_, c) => {
    const tp = confusion[c]![c]!;
    const fp = confusion.reduce((a, row, t) => a + (t === c ? 0 : row[c]!), 0);
    const fn = confusion[c]!.reduce((a, v, p) => a + (p === c ? 0 : v), 0);
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return { n, accuracy: correct / Math.max(1, n), macro_f1: f1.reduce((a, b) => a + b, 0) / f1.length, confusion };
}
