/**
 * Streaming input rows for `ko-classify classify`: TSV (header row) or JSON Lines, split on bytes so
 * a line of invalid UTF-8, or one too long to hold, becomes a row with an `error` and never a crash;
 * the file is never read whole.
 */
import type { Readable } from 'node:stream';

export type Format = 'tsv' | 'jsonl';

/** One data row (the TSV header is not one): what to classify, or why it cannot be. */
export interface InputRow {
  /** 0-based among data rows. */
  index: number;
  /** The row as an object (TSV: header → cell), when it could be read. */
  fields: Record<string, unknown> | null;
  text: string | null;
  error?: string;
}

export interface RowOptions {
  format: Format;
  /** The text column (TSV) or field (JSONL); default `text`, or `document` where there is no `text`. */
  textCol?: string;
  /** Longer texts (in characters) are rows with an error. */
  maxChars: number;
  /** Bytes read so far, for progress. */
  onBytes?: (bytes: number) => void;
  /** Called with the TSV header (it may throw to refuse the input). */
  onHeader?: (columns: string[]) => void;
}

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

/** Data rows of a TSV or JSONL stream, in order. The TSV header is read first (see `header`). */
export async function* readRows(input: Readable, o: RowOptions): AsyncGenerator<InputRow> {
  const maxBytes = o.maxChars * 4 + 1024;
  let header: string[] | null = null;
  let textCol = o.textCol;
  let index = 0;
  for await (const raw of lines(input, maxBytes, o.onBytes)) {
    if (o.format === 'tsv' && !header) {
      if (raw === null) throw new Error('the TSV header line is too long');
      header = decoder.decode(raw).replace(/^\uFEFF/, '').split('\t');
      o.onHeader?.(header);
      textCol ??= header.includes('text') ? 'text' : header.includes('document') ? 'document' : undefined;
      if (!textCol || !header.includes(textCol)) {
        throw new Error(`the TSV has no column "${textCol ?? 'text'}" (columns: ${header.join(', ')}): pass --text-col`);
      }
      continue;
    }
    yield toRow(raw, index++);
  }

  function toRow(raw: Uint8Array | null, i: number): InputRow {
    if (raw === null) return { index: i, fields: null, text: null, error: `line longer than ${maxBytes} bytes` };
    let line: string;
    try {
      line = decoder.decode(raw);
    } catch {
      return { index: i, fields: null, text: null, error: 'invalid UTF-8' };
    }
    let fields: Record<string, unknown>;
    if (o.format === 'tsv') {
      const cells = line.split('\t');
      fields = Object.fromEntries(header!.map((h, j) => [h, cells[j] ?? '']));
    } else {
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return { index: i, fields: null, text: null, error: 'a JSON Lines row must be an object' };
        }
        fields = parsed as Record<string, unknown>;
      } catch (e) {
        return { index: i, fields: null, text: null, error: line.trim() ? `invalid JSON: ${(e as Error).message}` : 'empty line' };
      }
      textCol ??= 'text' in fields ? 'text' : 'document' in fields ? 'document' : 'text';
    }
    const text = fields[textCol!];
    if (typeof text !== 'string') return { index: i, fields, text: null, error: `no text in "${textCol}"` };
    if (!text.trim()) return { index: i, fields, text: null, error: 'empty text' };
    if (text.length > o.maxChars) return { index: i, fields, text: null, error: `text longer than ${o.maxChars} characters (--max-chars)` };
    return { index: i, fields, text };
  }
}
