import { readTsv, column } from './tsv.js';
import { loadEngine, type LoadEngineOptions } from '@ko-classify/core/node';

export interface BenchOptions extends LoadEngineOptions {
  batchSize?: number;
  /** Sentences for the throughput run. */
  n?: number;
  /** Single-sentence calls for latency. */
  latencyRuns?: number;
  data?: string;
  textCol?: string;
}

export interface BenchResult {
  file: string;
  runtime: string;
  threads: number;
  batch: number;
  n: number;
  sentences_per_second: number;
  latency_ms: { p50: number; p95: number; runs: number };
}

const BUILT_IN = [
  '이 영화 정말 최고예요! 배우들 연기도 완벽하고 또 보고 싶어요',
  '시간 낭비였다',
  '스토리는 뻔했지만 음악이 좋아서 끝까지 봤습니다. 가족끼리 보기에는 괜찮은 영화',
  '최악',
  '기대 안 하고 봤는데 생각보다 재밌네요 ㅋㅋ',
  '감독이 무슨 생각으로 이런 결말을 만들었는지 모르겠다. 중반까지는 긴장감이 있었는데 후반에 완전히 무너짐',
];

/** Sentences/s over `n` sentences in batches, then p50/p95 latency of single-sentence calls. */
export async function bench(dir: string, o: BenchOptions = {}): Promise<BenchResult> {
  let texts = BUILT_IN;
  if (o.data) {
    const { header, rows } = readTsv(o.data);
    const ti = column(header, o.textCol ?? 'document', o.data);
    texts = rows.map((r) => r[ti] ?? '');
  }
  const n = o.n ?? 2000;
  const sample = Array.from({ length: n }, (_, i) => texts[i % texts.length]!);
  const { engine, file, runtime } = await loadEngine(dir, o);
  const batch = o.batchSize ?? 32;
  await engine.classify(sample.slice(0, batch), { batchSize: batch }); // warm-up
  const t0 = performance.now();
  await engine.classify(sample, { batchSize: batch });
  const sps = n / ((performance.now() - t0) / 1000);
  const runs = o.latencyRuns ?? 200;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await engine.classify([texts[i % texts.length]!]);
    times.push(performance.now() - t);
  }
  await engine.release();
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { file, runtime, threads: o.threads ?? 0, batch, n, sentences_per_second: sps, latency_ms: { p50: q(0.5), p95: q(0.95), runs } };
}
