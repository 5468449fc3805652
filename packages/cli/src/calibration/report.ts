/** What `ko-classify calibrate` takes and reports (calibrate-command.ts), and its typed error. */
import type { LoadEngineOptions } from '@ko-classify/core/node';

export type CalibrateErrorCode = 'NOT_A_CLASSIFIER' | 'TOO_FEW_ROWS' | 'NO_TEXTS' | 'BAD_OPTION';

/** Input `calibrate` will not fit on; config.json is left as it was. */
export class CalibrateError extends Error {
  override readonly name = 'CalibrateError';
  constructor(readonly code: CalibrateErrorCode, message: string) {
    super(message);
  }
}

export interface CalibrateOptions extends Omit<LoadEngineOptions, 'onProgress'> {
  textCol?: string;
  labelCol?: string;
  /** Seed of the fit/report split (default 42). */
  seed?: number;
  /** Single-label: a TSV of texts the band should flag (e.g. lukewarm reviews); its fit half fits the band. */
  unsure?: string;
  /** Texts that should not be flagged, only reported: share flagged, and with a label column (the labelled file's) the accuracy of the rest. */
  sure?: string;
  /** Text column of `unsure` / `sure` (default: textCol, else document). */
  extraTextCol?: string;
  batchSize?: number;
  /** Multi-label: labels with fewer gold rows than this in the fit half keep their threshold (moved to the calibrated scale). Default 10. */
  minSupport?: number;
  /** At most this share of the labelled fit half is flagged (default 0.2; 1: Youden's J alone). */
  maxFlagged?: number;
  /** Fit and report, but leave config.json as it is. */
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** How the band does on a set of rows. */
export interface BandFigures {
  n: number;
  /** Share flagged uncertain. */
  flagged: number;
  /** Accuracy (multi-label: exact match) of all rows and of the rows not flagged. */
  accuracy?: number;
  accuracy_certain?: number | null;
  /** Share of the wrong rows that are flagged. */
  errors_flagged?: number | null;
}

export interface CalibrateReport {
  model: string;
  data: string;
  file: string;
  runtime: string;
  seed: number;
  rows: { fit: number; report: number };
  temperature: number | Record<string, number>;
  /** On the report half: ECE (15 bins, see calibration/ece.ts) of the plain and the calibrated scores. */
  ece: { before: number; after: number; bins: number };
  /** ECE on the fit half, for comparison. */
  ece_fit: { before: number; after: number };
  /** Multi-label: thresholds before/after, and report-half scores (before: plain scores, old thresholds). */
  thresholds?: {
    before: Record<string, number>;
    /** Labels with fewer than minSupport gold rows in the fit half: their earlier threshold, moved to the calibrated scale. */
    kept: string[];
    minSupport: number;
    after: Record<string, number>;
    /** before: the plain sigmoid, config.json's thresholds; plain_retuned: the plain sigmoid, thresholds tuned on the fit half (like for like); after: calibrated, re-tuned. */
    report: Record<'before' | 'plain_retuned' | 'after', { micro_f1: number; macro_f1: number; exact_match: number }>;
  };
  uncertainty: {
    rule: string;
    band: { min_score: number } | { margin: number };
    youden_j: number;
    fit: BandFigures;
    report: BandFigures;
    unsure?: { data: string; fit: BandFigures; report: BandFigures };
    sure?: { data: string; all: BandFigures };
  };
  /** Things to check, e.g. a temperature at its search bound. */
  warnings: string[];
  /** What changed in config.json, one line each (empty with dryRun). */
  changed: string[];
}
