interface UnigramInternals {
  scores: number[];
  unk_score: number;
  unk_token_id?: number;
  vocab: string[];
  tokens_to_ids: Map<string, number>;
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
  const m = model as unknown as UnigramInternals;
  const scores = Float32Array.from(m.scores);
  const unkId = m.unk_token_id ?? 0;
  const unkScore = Math.fround(m.unk_score);
  scores[unkId] = unkScore;
  const unkPiece = m.vocab[unkId]!;

  const trie = buildTrie(m.vocab);

  m.tokenize = (normalized: string): string[] => {
    const chars = Array.from(normalized, (c) => c.codePointAt(0)!);
    const size = chars.length;
    const bestScore = new Float32Array(size + 1);
    const startsAt = new Int32Array(size + 1).fill(-1);
    const bestId = new Int32Array(size + 1).fill(-1);
    for (let start = 0; start < size; start++) {
      const till = bestScore[start]!;
      let hasSingle = false;
      // Every vocabulary piece that starts here: walk the trie one code point at a time.
      let node = 0;
      for (let i = start; i < size; i++) {
        const next = trie.children[node]!.get(chars[i]!);
        if (next === undefined) break;
        node = next;
        const id = trie.tokenId[node]!;
        if (id < 0) continue;
        const end = i + 1;
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

/**
 * The vocabulary as a code-point trie: `children[node]` maps a code point to the next node and
 * `tokenId[node]` is the id of the piece ending there (-1: none). Walking it avoids building a
 * prefix string and a Map lookup per candidate piece, which tokenizers.js's CharTrie does.
 */
function buildTrie(vocab: readonly string[]): { children: Map<number, number>[]; tokenId: Int32Array } {
  const children: Map<number, number>[] = [new Map()];
  const ids: number[] = [-1];
  vocab.forEach((piece, id) => {
    let node = 0;
    for (const ch of piece) {
      const cp = ch.codePointAt(0)!;
      let next = children[node]!.get(cp);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        ids.push(-1);
        children[node]!.set(cp, next);
      }
      node = next;
    }
    // As tokens_to_ids: a piece listed twice keeps its last id.
    if (node !== 0) ids[node] = id;
  });
  return { children, tokenId: Int32Array.from(ids) };
}
