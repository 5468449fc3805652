/**
 * What `ko-classify classify` writes for a row: the row exactly as it came, plus the predictions
 * under names that cannot collide with the user's (`<prefix>label`, `<prefix>score`,
 * `<prefix>scores`, `<prefix>labels` for multi-label models, `<prefix>uncertain` — the model is not
 * sure, from its config.json band: review these rows —, `<prefix>error` and `<prefix>line` for rows
 * that could not be classified). JSON Lines in, JSON Lines out: each line's own bytes with the
 * prediction fields appended before its closing brace (a parse + stringify round trip would rewrite
 * `1.0`, long integers and escapes). TSV in: TSV out (the line's bytes plus prediction cells) or JSON
 * Lines (each cell as the string it was).
 */
import { closeSync, fstatSync, openSync, readSync, truncateSync } from 'node:fs';
import { splitTabs, type Format, type InputRow } from './rows.js';

export interface Prediction {
  /** null: a text with no class (only zero-width or other invisible characters), written as an empty cell / null. */
  label: string | null;
  score: number;
  scores: Record<string, number>;
  /** Multi-label models: every label over its threshold. */
  labels?: string[];
  /** The model is not sure (its config.json `uncertainty` band; always for a text with no class). */
  uncertain: boolean;
}

export type RowResult = { ok: Prediction } | { error: string };

/** A run the output would have to overwrite or lose data for: refused (exit 2) with the flag that resolves it. */
export class OutputConflict extends Error {}

export interface OutputOptions {
  input: Format;
  output: Format;
  /** Prefix of the prediction names. Default `pred_`. */
  prefix: string;
  multiLabel: boolean;
}

export interface Writer<R = RowResult> {
  /** The first line of a new output file (TSV: the input's header plus the prediction columns). */
  header(inputHeader: { columns: string[]; raw: Uint8Array } | null): Uint8Array | null;
  /** Refuses (OutputConflict) a row whose fields the predictions would overwrite. */
  check(row: InputRow): void;
  /** One output line, `\n` included. */
  row(row: InputRow, result: R): Uint8Array;
}

const utf8 = new TextEncoder();
const NL = 0x0a;

/** The prediction columns of TSV output, in order. */
export function predictionNames(prefix: string, multiLabel: boolean): string[] {
  return ['label', 'score', 'scores', ...(multiLabel ? ['labels'] : []), 'uncertain', 'error', 'line'].map((n) => `${prefix}${n}`);
}

export function createWriter(o: OutputOptions): Writer {
  if (o.input === 'jsonl' && o.output === 'tsv') throw new OutputConflict('JSON Lines input is written as JSON Lines: name the output .jsonl');
  const names = predictionNames(o.prefix, o.multiLabel);
  // Every name the writer may add: the columns, plus what JSON Lines rows carry for unreadable input.
  const reserved = [...names, `${o.prefix}input`, `${o.prefix}extra`];
  const clash = clashCheck(reserved);
  const p = (n: string) => `${o.prefix}${n}`;
  /** The prediction fields as JSON members (no braces). */
  const members = (row: InputRow, r: RowResult): string => {
    if ('error' in r) return `${JSON.stringify(p('error'))}:${JSON.stringify(r.error)},${JSON.stringify(p('line'))}:${row.line}`;
    const { label, score, scores, labels, uncertain } = r.ok;
    const parts = [`${JSON.stringify(p('label'))}:${JSON.stringify(label)}`, `${JSON.stringify(p('score'))}:${JSON.stringify(score)}`, `${JSON.stringify(p('scores'))}:${JSON.stringify(scores)}`];
    if (o.multiLabel) parts.push(`${JSON.stringify(p('labels'))}:${JSON.stringify(labels ?? [])}`);
    parts.push(`${JSON.stringify(p('uncertain'))}:${uncertain}`);
    return parts.join(',');
  };

  if (o.output === 'jsonl') return jsonlWriter({ input: o.input, reserved, extraName: p('extra'), inputName: p('input'), members });
  let width = 0;
  return {
    header(h) {
      if (!h) throw new OutputConflict('TSV output needs TSV input');
      clash(h.columns, 'the TSV header');
      width = h.columns.length;
      return Buffer.concat([h.raw, utf8.encode(`\t${names.join('\t')}\n`)]);
    },
    check() {
      // TSV rows have the header's columns: checked once, in header().
    },
    row(row, r) {
      const cells = 'error' in r ? ['', '', '', ...(o.multiLabel ? [''] : []), '', tsvCell(r.error), String(row.line)] : [r.ok.label ?? '', String(r.ok.score), JSON.stringify(r.ok.scores), ...(o.multiLabel ? [(r.ok.labels ?? []).join(',')] : []), String(r.ok.uncertain), '', ''];
      // A short row is padded to the header's width so the predictions stay in their columns; a line
      // too long to hold keeps its place as empty cells.
      const raw = row.raw ?? utf8.encode('\t'.repeat(Math.max(0, width - 1)));
      const have = countTabs(raw) + 1;
      return Buffer.concat([raw, utf8.encode(`${'\t'.repeat(Math.max(0, width - have))}\t${cells.join('\t')}\n`)]);
    },
  };
}

export interface JsonlWriterOptions<R> {
  input: Format;
  /** Every name the writer may add: a row or header that has one is refused (OutputConflict). */
  reserved: readonly string[];
  /** Where a TSV row's cells past the header go, and a JSON Lines line that is not an object. */
  extraName: string;
  inputName: string;
  /** The added fields as JSON members (no braces). */
  members(row: InputRow, r: R): string;
}

/**
 * JSON Lines out: a JSON Lines row's own bytes with `members` appended before its closing brace, or a
 * TSV row's cells as the strings they were (those that could be read; cells past the header's under
 * `extraName`); a JSON Lines line that is not an object keeps its text under `inputName`.
 */
export function jsonlWriter<R>(o: JsonlWriterOptions<R>): Writer<R> {
  let width = 0;
  const clash = clashCheck(o.reserved);
  return {
    header(h) {
      if (h) {
        width = h.columns.length;
        clash(h.columns, 'the TSV header');
        const seen = new Set<string>();
        const dup = h.columns.find((c) => (seen.has(c) ? true : (seen.add(c), false)));
        if (dup !== undefined) throw new OutputConflict(`the TSV has two columns named "${dup}", which JSON Lines cannot keep apart: write TSV (-o out.tsv) to keep every cell`);
      }
      return null;
    },
    check(row) {
      if (row.fields && o.input === 'jsonl') clash(Object.keys(row.fields), `the row at line ${row.line}`);
    },
    row(row, r) {
      if (o.input === 'jsonl' && row.fields && row.raw) return appendMembers(row.raw, Object.keys(row.fields).length > 0, o.members(row, r));
      const kept = row.fields ? Object.entries(row.fields).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`) : [];
      if (o.input === 'tsv' && row.raw && row.fields) {
        const extra = splitTabs(row.raw).slice(width).map(decodeOrNull);
        if (extra.length) kept.push(`${JSON.stringify(o.extraName)}:${JSON.stringify(extra)}`);
      }
      if (!row.fields && row.raw && o.input === 'jsonl') {
        const text = decodeOrNull(row.raw);
        if (text !== null && text.trim()) kept.push(`${JSON.stringify(o.inputName)}:${JSON.stringify(text)}`);
      }
      return utf8.encode(`{${[...kept, o.members(row, r)].join(',')}}\n`);
    },
  };
}

/** Refuses (OutputConflict) keys among `reserved`, naming --prefix. */
function clashCheck(reserved: readonly string[]): (keys: Iterable<string>, where: string) => void {
  return (keys, where) => {
    const taken = [...keys].filter((k) => reserved.includes(k));
    if (taken.length) throw new OutputConflict(`${where} already has ${taken.map((k) => `"${k}"`).join(', ')}, which the output would overwrite: pass --prefix to name its fields differently (e.g. --prefix ko_)`);
  };
}

/** `{…}` + members: the object's bytes up to its closing brace, then `,members}`. */
function appendMembers(raw: Uint8Array, hasKeys: boolean, text: string): Uint8Array {
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x20 || raw[end - 1] === 0x09 || raw[end - 1] === 0x0d)) end--;
  // JSON.parse accepted the line as an object, so its last non-space byte is its closing brace.
  const close = end - 1;
  return Buffer.concat([raw.subarray(0, close), utf8.encode(`${hasKeys ? ',' : ''}${text}}`), new Uint8Array([NL])]);
}

function tsvCell(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ');
}

function countTabs(raw: Uint8Array): number {
  let n = 0;
  for (const b of raw) if (b === 0x09) n++;
  return n;
}

const strict = new TextDecoder('utf-8', { fatal: true });

function decodeOrNull(raw: Uint8Array): string | null {
  try {
    return strict.decode(raw);
  } catch {
    return null;
  }
}

/** Whether the file at `path` starts with exactly `line` (its first line, `\n` included). */
export function sameFirstLine(path: string, line: Uint8Array): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(line.length + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n >= line.length && Buffer.compare(buf.subarray(0, line.length), line) === 0;
  } finally {
    closeSync(fd);
  }
}

/**
 * Lines of `path` that end in `\n`; a partial last line (an interrupted write) is cut off (unless
 * `cut` is false) so the resumed output continues cleanly after it.
 */
export function completeLines(path: string, cut = true): number {
  const fd = openSync(path, 'r');
  let count = 0;
  let lastNewline = -1;
  let offset = 0;
  const buf = Buffer.alloc(1 << 20);
  try {
    const size = fstatSync(fd).size;
    while (offset < size) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      for (let i = buf.indexOf(0x0a); i !== -1 && i < n; i = buf.indexOf(0x0a, i + 1)) {
        count++;
        lastNewline = offset + i;
      }
      offset += n;
    }
    if (cut && lastNewline + 1 < size) truncateSync(path, lastNewline + 1);
  } finally {
    closeSync(fd);
  }
  return count;
}
