/**
 * Streaming input rows for `ko-classify classify`: TSV (header row) or JSON Lines, split on bytes so
 * a line of invalid UTF-8, or one too long to hold, becomes a row with an `error` and never a crash;
 * the file is never read whole. Each row keeps its original bytes: the output appends to them.
 */
import type { Readable } from 'node:stream';

export type Format = 'tsv' | 'jsonl';

/** One data row (the TSV header is not one): what to classify, or why it cannot be. */
export interface InputRow {
  /** 0-based among data rows. */
  index: number;
  /** 1-based line in the input (a TSV's header is line 1). */
  line: number;
  /** The line's bytes without its `\n` / `\r\n`; null for a line over the byte limit. */
  raw: Uint8Array | null;
  /** The row as an object when it could be read (TSV: header → cell, as strings; invalid cells left out). */
  fields: Record<string, unknown> | null;
  text: string | null;
  /** The row's gold label(s) from `labelCol`, as written (`null`: no such cell or field). */
  gold?: string | null;
  error?: string;
}

export interface RowOptions {
  format: Format;
  /** The text column (TSV) or field (JSONL); default `text`, or `document` where there is no `text`. */
  textCol?: string;
  /** A column (TSV) or field (JSONL) of gold labels, read into `gold`. */
  labelCol?: string;
  /** Longer texts (in characters) are rows with an error. */
  maxChars: number;
  /** Lines longer than this are rows with an error and no bytes kept. Default 64 MiB. */
  maxLineBytes?: number;
  /** Bytes read so far, for progress. */
  onBytes?: (bytes: number) => void;
  /** Called with the TSV header and its raw bytes (it may throw to refuse the input). */
  onHeader?: (columns: string[], raw: Uint8Array) => void;
}

export const MAX_LINE_BYTES = 64 * 2 ** 20;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Lines as byte arrays (without `\n` / `\r\n`); a line over `maxBytes` comes back as `null`. */
export async function* lines(input: Readable, maxBytes: number, onBytes?: (n: number) => void): AsyncGenerator<Uint8Array | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const finish = (): Uint8Array | null => {
    const line = tooLong ? null : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    tooLong = false;
    return line && line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
  };
  for await (const piece of input as AsyncIterable<Buffer | string>) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    onBytes?.(chunk.length);
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      take(chunk.subarray(start, nl));
      yield finish();
      start = nl + 1;
    }
    take(chunk.subarray(start));
  }
  if (size > 0 || tooLong) yield finish();

  function take(piece: Buffer): void {
    if (tooLong || piece.length === 0) return;
    if (size + piece.length > maxBytes) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  }
}

/** Picks the format from a file name (`.jsonl` / `.ndjson` / `.json` → jsonl, else tsv). */
export function formatOf(path: string): Format {
  return /\.(jsonl|ndjson|json)$/i.test(path) ? 'jsonl' : 'tsv';
}

/** Data rows of a TSV or JSONL stream, in order. The TSV header is read first (see `onHeader`). */
export async function* readRows(input: Readable, o: RowOptions): AsyncGenerator<InputRow> {
  const maxBytes = Math.max(o.maxLineBytes ?? MAX_LINE_BYTES, o.maxChars * 4 + 1024);
  let header: string[] | null = null;
  let textCol = o.textCol;
  let index = 0;
  let line = 0;
  for await (const raw of lines(input, maxBytes, o.onBytes)) {
    line++;
    if (o.format === 'tsv' && !header) {
      if (raw === null) throw new Error(`the TSV header line is longer than ${maxBytes} bytes`);
      let text: string;
      try {
        text = decoder.decode(raw);
      } catch {
        throw new Error('the TSV header line is not valid UTF-8: save the file as UTF-8');
      }
      header = text.replace(/^\uFEFF/, '').split('\t');
      textCol ??= header.includes('text') ? 'text' : header.includes('document') ? 'document' : undefined;
      if (!textCol || !header.includes(textCol)) {
        throw new Error(`the TSV has no column "${textCol ?? 'text'}" (columns: ${header.join(', ')}): pass --text-col`);
      }
      if (o.labelCol !== undefined && !header.includes(o.labelCol)) {
        throw new Error(`the TSV has no column "${o.labelCol}" for --label-col (columns: ${header.join(', ')})`);
      }
      o.onHeader?.(header, raw);
      continue;
    }
    yield toRow(raw, index++, line);
  }

  function toRow(raw: Uint8Array | null, i: number, lineNo: number): InputRow {
    const row = { index: i, line: lineNo, raw };
    if (raw === null) return { ...row, fields: null, text: null, error: `line longer than ${maxBytes} bytes` };
    let fields: Record<string, unknown>;
    let invalid = false;
    if (o.format === 'tsv') {
      // Cell by cell, so one cell of invalid UTF-8 loses only itself.
      const cells = splitTabs(raw);
      fields = {};
      header!.forEach((h, j) => {
        try {
          fields[h] = decoder.decode(cells[j] ?? new Uint8Array(0));
        } catch {
          invalid = true;
        }
      });
      if (cells.length > header!.length) return { ...row, fields, text: null, error: `${cells.length} cells, the header has ${header!.length}` };
    } else {
      let text: string;
      try {
        text = decoder.decode(raw);
      } catch {
        return { ...row, fields: null, text: null, error: 'invalid UTF-8' };
      }
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return { ...row, fields: null, text: null, error: 'a JSON Lines row must be an object' };
        }
        fields = parsed as Record<string, unknown>;
      } catch (e) {
        return { ...row, fields: null, text: null, error: text.trim() ? `invalid JSON: ${(e as Error).message}` : 'empty line' };
      }
      textCol ??= 'text' in fields ? 'text' : 'document' in fields ? 'document' : 'text';
    }
    const g = o.labelCol === undefined ? undefined : fields[o.labelCol];
    // Multi-label gold: a comma-separated string, or (JSON Lines) an array of ids or names.
    const gold = g === undefined && o.labelCol === undefined ? undefined : typeof g === 'string' || typeof g === 'number' ? String(g) : Array.isArray(g) ? g.map(String).join(',') : null;
    const text = fields[textCol!];
    const withGold = gold === undefined ? {} : { gold };
    if (typeof text !== 'string') return { ...row, ...withGold, fields, text: null, error: invalid && o.format === 'tsv' ? 'invalid UTF-8' : `no text in "${textCol}"` };
    if (invalid) return { ...row, ...withGold, fields, text: null, error: 'invalid UTF-8 in a cell' };
    if (!text.trim()) return { ...row, ...withGold, fields, text: null, error: 'empty text' };
    if (text.length > o.maxChars) return { ...row, ...withGold, fields, text: null, error: `text longer than ${o.maxChars} characters (--max-chars)` };
    return { ...row, ...withGold, fields, text };
  }
}

/** A TSV line's cells, as byte ranges of it. */
export function splitTabs(raw: Uint8Array): Uint8Array[] {
  const cells: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i === raw.length || raw[i] === 0x09) {
      cells.push(raw.subarray(start, i));
      start = i + 1;
    }
  }
  return cells;
}
