// Checks the JS tokenizer (the engine's, as the browser runs it) against Python sentencepiece ids for
// every sentence of an evaluation split, written by training/export_model.py.
// Usage: node scripts/check-tokenizer.mjs public/models/ko-sentiment training/.work/ko-sentiment-eval-ids.jsonl
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextEncoder as KoTextEncoder, normalizeInput } from '@ko-classify/core/engine';

const [dir, idsFile] = process.argv.slice(2);
if (!dir || !idsFile) {
  console.error('usage: node scripts/check-tokenizer.mjs <model dir> <ids.jsonl>');
  process.exit(2);
}
const json = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const tokenizerConfig = json('tokenizer_config.json');
const encoder = new KoTextEncoder(json('tokenizer.json'), tokenizerConfig, tokenizerConfig.model_max_length);
const rows = readFileSync(idsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
let mismatches = 0;
rows.forEach((r, i) => {
  const ids = encoder.encode(normalizeInput(r.text, i)).ids;
  if (ids.length !== r.ids.length || ids.some((v, j) => v !== r.ids[j])) {
    if (mismatches++ < 10) console.log(`mismatch ${i}: ${JSON.stringify(r.text)}\n  js ${ids.join(' ')}\n  py ${r.ids.join(' ')}`);
  }
});
console.log(`${rows.length - mismatches}/${rows.length} sentences tokenize identically to Python sentencepiece`);
process.exit(mismatches ? 1 : 0);
