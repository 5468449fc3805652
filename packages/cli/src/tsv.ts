import { readFileSync } from 'node:fs';

/** Reads a TSV with a header row (NSMC style); quotes are not special, as in NSMC. */
export function readTsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error(`${path} is empty`);
  return { header: lines[0]!.split('\t'), rows: lines.slice(1).map((l) => l.split('\t')) };
}

export function column(header: string[], name: string, path: string): number {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`${path} has no column "${name}" (columns: ${header.join(', ')})`);
  return i;
}
