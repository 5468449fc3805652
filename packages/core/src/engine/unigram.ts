interface UnigramInternals {
  scores: number[];
  unk_score: number;
  unk_token_id?: number;
  vocab: string[];
  tokens_to_ids: Map<string, number>;
  trie: { common_prefix_search(chars: string[], start: number): Iterable<string> };
  tokenize(normalized: string): string[];
}

/**
 * Makes a Unigram model segment exactly like SentencePiece's optimized encoder, whose path scores
 * are stored as float32 while each candidate is summed in double; plain float64 paths round
 * differently and pick another of two equal-scoring segmentations of repeated characters
 * (`ㅋㅋㅋㅋ`, `?????`). Consecutive unknown characters are fused into one piece, as SentencePiece does.
 * Only this model instance changes.
 */
export function useSentencePieceViterbi(model: unknown, tokenizerJson: unknown): void {
  // tokenizers.js's typings do not resolve `Unigram` under NodeNext, so go by tokenizer.json.
  const type = (tokenizerJson as { model?: { type?: unknown } } | null)?.model?.type;
  if (type !== 'Unigram' || model === null || (typeof model !== 'object' && typeof model !== 'function') || !('trie' in model)) return;
  const m = model as UnigramInternals;
  const scores = Float32Array.from(m.scores);
  const unkId = m.unk_token_id ?? 0;
  const unkScore = Math.fround(m.unk_score);
  scores[unkId] = unkScore;
  const unkPiece = m.vocab[unkId]!;

  m.tokenize = (normalized: string): string[] => {
    const chars = Array.from(normalized);
    const size = chars.length;
    const bestScore = new Float32Array(size + 1);
    const startsAt = new Int32Array(size + 1).fill(-1);
    const bestId = new Int32Array(size + 1).fill(-1);
    for (let start = 0; start < size; start++) {
      const till = bestScore[start]!;
      let hasSingle = false;
      let end = start;
      for (const piece of m.trie.common_prefix_search(chars, start)) {
        const id = m.tokens_to_ids.get(piece)!;
        end = start + Array.from(piece).length;
        if (end === start + 1) hasSingle = true;
        // A double sum compared with the stored float32 best, then stored as float32 (the C++ ternary
        // with the user-defined-symbol bonus makes the piece score a double).
        const candidate = scores[id]! + till;
        if (startsAt[end] === -1 || candidate > bestScore[end]!) {
          bestScore[end] = candidate;
          startsAt[end] = start;
          bestId[end] = id;
        }
      }
      if (!hasSingle) {
        const candidate = Math.fround(unkScore + till);
        if (startsAt[start + 1] === -1 || candidate > bestScore[start + 1]!) {
          bestScore[start + 1] = candidate;
          startsAt[start + 1] = start;
          bestId[start + 1] = unkId;
        }
      }
    }
    const pieces: string[] = [];
    let prevUnk = false;
    for (let end = size; end > 0; end = startsAt[end]!) {
      const id = bestId[end]!;
      if (id === unkId) {
        if (!prevUnk) pieces.push(unkPiece);
        prevUnk = true;
      } else {
        pieces.push(m.vocab[id]!);
        prevUnk = false;
      }
    }
    return pieces.reverse();
  };
}
