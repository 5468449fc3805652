// The bench's fixed inputs: every 5th row of NSMC dev (2,000 sentences), their token counts under the
// model's tokenizer, and the model's int8 GEMM work per token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer, defaultMaxLength, normalizeInput, parseModelConfig } from '@ko-classify/core/engine';

export const SAMPLE_SIZE = 2000;

export async function loadSample(devPath, modelDir) {
  const rows = readFileSync(devPath, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
  const sample = rows.filter((_, i) => i % 5 === 0).slice(0, SAMPLE_SIZE);
  if (sample.length !== SAMPLE_SIZE) throw new Error(`expected ${SAMPLE_SIZE} sample rows, got ${sample.length}`);
  const texts = sample.map((r) => r[1]);
  const gold = sample.map((r) => (r[2] === '1' ? 'positive' : 'negative'));
  const json = (f) => JSON.parse(readFileSync(join(modelDir, f), 'utf8'));
  const config = json('config.json');
  const tokenizerConfig = json('tokenizer_config.json');
  const tokenizer = await Tokenizer.create(json('tokenizer.json'), tokenizerConfig, defaultMaxLength(parseModelConfig(config), tokenizerConfig));
  const tokenCounts = texts.map((t, i) => tokenizer.encode(normalizeInput(t, i)).ids.length);
  const h = config.hidden_size;
  const ffn = config.intermediate_size;
  return {
    texts,
    gold,
    config,
    tokenCounts,
    totalTokens: tokenCounts.reduce((a, b) => a + b, 0),
    // Per token and layer: query, key, value, output (h×h each) and the two FFN matrices (h×ffn).
    gemmOpsPerToken: 2 * config.num_hidden_layers * (4 * h * h + 2 * h * ffn),
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
