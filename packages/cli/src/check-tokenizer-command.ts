/**
 * `ko-classify check-tokenizer`: the engine's token ids (as the browser computes them) against reference
 * ids — one JSON object `{ "text", "ids" }` per line, e.g. Python sentencepiece's from
 * training/export_model.py or training/tokenizer_parity.py.
 */
import { readFileSync } from 'node:fs';
import { Tokenizer, normalizeInput } from '@ko-classify/core/engine';
import { readModelJson } from '@ko-classify/core/node';

export interface TokenizerCheck {
  total: number;
  mismatches: { index: number; text: string; engine: number[]; reference: number[] }[];
}

export async function checkTokenizer(dir: string, idsFile: string): Promise<TokenizerCheck> {
  const config = readModelJson(dir, 'tokenizer_config.json') as { model_max_length?: number };
  const tokenizer = await Tokenizer.create(readModelJson(dir, 'tokenizer.json'), config, config.model_max_length ?? 512);
  const rows = readFileSync(idsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; ids: number[] });
  const mismatches: TokenizerCheck['mismatches'] = [];
  rows.forEach((r, index) => {
    const ids = tokenizer.encode(normalizeInput(r.text, index)).ids;
    if (ids.length !== r.ids.length || ids.some((v, j) => v !== r.ids[j])) mismatches.push({ index, text: r.text, engine: ids, reference: r.ids });
  });
  return { total: rows.length, mismatches };
}
