interface UnigramInternals {
  scores: number[];
  unk_score: number;
  unk_token_id?: number;
  vocab: string[];
  tokens_to_ids: Map<string, number>;
  tokenize(normalized: string): string[];
}

export type UnigramJson = { model: { type: 'Unigram'; vocab: [string, number][]; unk_id?: number } };

/** Whether a tokenizer.json holds a SentencePiece Unigram model (its vocab: [piece, score][]). */
export function isUnigram(tokenizerJson: unknown): tokenizerJson is UnigramJson {
  const model = (tokenizerJson as { model?: { type?: unknown; vocab?: unknown } } | null)?.model;
  return model?.type === 'Unigram' && Array.isArray(model.vocab);
}

/**
 * The tokenizer.json to give tokenizers.js for a Unigram model: a one-piece vocabulary. Its own
 * lattice and character trie are never used (useSentencePieceViterbi replaces them), and building
 * them for mDeBERTa's 250,000 pieces took longer and more memory than everything else.
 */
export function withoutUnigramVocab(tokenizerJson: UnigramJson): UnigramJson {
  const unk = tokenizerJson.model.unk_id ?? 0;
  return { ...tokenizerJson, model: { ...tokenizerJson.model, vocab: [tokenizerJson.model.vocab[unk]!], unk_id: 0 } };
}

/** A Unigram vocabulary's segmenter, as SentencePiece's optimized encoder segments. */
export interface UnigramSegmenter {
  /** Pieces of one normalized, pre-tokenized string (consecutive unknown characters fused). */
  tokenize(normalized: string): string[];
  /** Piece of each id. */
  vocab: string[];
  /** Id of each piece (a piece listed twice keeps its last id, as tokenizers.js does). */
  ids: Map<string, number>;
  scores: number[];
  unkId: number;
  unkScore: number;
}

/**
 * Segments exactly like SentencePiece's optimized encoder, whose path scores are stored as float32
 * while each candidate is summed in double; plain float64 paths round differently and pick another
 * of two equal-scoring segmentations of repeated characters (`ㅋㅋㅋㅋ`, `?????`). Consecutive unknown
 * characters are fused into one piece, as SentencePiece does.
 */
export function unigramSegmenter(tokenizerJson: UnigramJson): UnigramSegmenter {
  const entries = tokenizerJson.model.vocab;
  const vocab = entries.map((e) => e[0]);
  const ids = new Map<string, number>();
  vocab.forEach((piece, id) => ids.set(piece, id));
  const unkId = tokenizerJson.model.unk_id ?? 0;
  const scores = Float32Array.from(entries, (e) => e[1]);
  // tokenizers.js's unknown score: 10 below the lowest piece.
  let min = Infinity;
  for (const e of entries) min = Math.min(min, e[1]);
  const unkScore = Math.fround(min - 10);
  scores[unkId] = unkScore;
  const unkPiece = vocab[unkId]!;
  const trie = buildTrie(vocab);

  const tokenize = (normalized: string): string[] => {
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
        const next = trie.edges.get(node * CODE_POINTS + chars[i]!);
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
        pieces.push(vocab[id]!);
        prevUnk = false;
      }
    }
    return pieces.reverse();
  };
  return { tokenize, vocab, ids, scores: Array.from(scores), unkId, unkScore };
}

/**
 * Makes a tokenizers.js Unigram model segment with unigramSegmenter. The model gets the full
 * vocabulary from `tokenizerJson` (see withoutUnigramVocab). Only this model instance changes.
 */
export function useSentencePieceViterbi(model: unknown, tokenizerJson: UnigramJson): void {
  const m = model as UnigramInternals;
  const seg = unigramSegmenter(tokenizerJson);
  m.vocab = seg.vocab;
  m.tokens_to_ids = seg.ids;
  m.unk_token_id = seg.unkId;
  m.scores = seg.scores;
  m.unk_score = seg.unkScore;
  m.tokenize = seg.tokenize;
}

const CODE_POINTS = 0x110000;

/**
 * The vocabulary as a code-point trie in one Map: the edge from `node` on code point `cp` is key
 * `node * 0x110000 + cp` (exact in a double for millions of nodes), and `tokenId[node]` is the id of
 * the piece ending there (-1: none). A Map per node cost ~100 MB for 250,000 pieces; walking it also
 * avoids the prefix strings and per-candidate lookups of tokenizers.js's CharTrie.
 */
function buildTrie(vocab: readonly string[]): { edges: Map<number, number>; tokenId: Int32Array } {
  const edges = new Map<number, number>();
  const ids: number[] = [-1];
  vocab.forEach((piece, id) => {
    let node = 0;
    for (const ch of piece) {
      const key = node * CODE_POINTS + ch.codePointAt(0)!;
      let next = edges.get(key);
      if (next === undefined) {
        next = ids.length;
        ids.push(-1);
        edges.set(key, next);
      }
      node = next;
    }
    if (node !== 0) ids[node] = id;
  });
  return { edges, tokenId: Int32Array.from(ids) };
}
