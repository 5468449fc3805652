/**
 * tokenizers.js behind the `TokenizerCore` interface, for tokenizer.json layouts the built-in
 * SentencePiece pipeline does not implement. Its own module, loaded only for such a model: the
 * worker of a SentencePiece model never downloads it.
 */
import { useExactPrecompiled } from './precompiled.js';
import { addedTokens, type TokenizerCore, type TokenizerWarning } from './tokenizer-types.js';
import { isUnigram, useSentencePieceViterbi, withoutUnigramVocab } from './unigram.js';

/** tokenizers.js, with the exact SentencePiece segmentation and charsmap for Unigram models. */
export async function tokenizersJsCore(tokenizerJson: unknown, tokenizerConfig: unknown): Promise<TokenizerCore> {
  const { Tokenizer: HfTokenizer } = await import('@huggingface/tokenizers');
  const unigram = isUnigram(tokenizerJson);
  const tk = new HfTokenizer((unigram ? withoutUnigramVocab(tokenizerJson) : tokenizerJson) as object, tokenizerConfig as object);
  if (unigram) {
    useSentencePieceViterbi(tk.model, tokenizerJson);
    for (const t of addedTokens(tokenizerJson)) (tk.model as unknown as { tokens_to_ids: Map<string, number> }).tokens_to_ids.set(t.content, t.id);
  }
  useExactPrecompiled((tk as unknown as { normalizer?: unknown }).normalizer);
  return {
    tokenize: (text) => tk.tokenize(text, { add_special_tokens: false }),
    postProcess: (a, b) => {
      const post = tk.post_processor;
      if (!post) return { tokens: b ? [...a, ...b] : a };
      const { tokens, token_type_ids } = post.post_process(a, b);
      return { tokens, typeIds: token_type_ids };
    },
    tokenId: (token) => tk.token_to_id(token),
    // Only normalizers this path runs can strip accents (the SentencePiece pipeline has none that do).
    warnings: hangulWarnings(tokenizerJson),
  };
}

/**
 * Normalizers that strip accents take Hangul apart: they NFD-decompose every syllable into jamo
 * (한 → ᄒ ᅡ ᆫ) and keep the pieces, so the vocabulary sees jamo, not syllables. BERT's normalizer does
 * it whenever it lowercases and `strip_accents` is not `false` (multilingual uncased BERTs).
 */
export function hangulWarnings(tokenizerJson: unknown): TokenizerWarning[] {
  const found: string[] = [];
  const visit = (n: unknown) => {
    const node = n as { type?: string; lowercase?: boolean; strip_accents?: boolean | null; normalizers?: unknown[] } | null;
    if (!node || typeof node !== 'object') return;
    if (node.type === 'BertNormalizer' && (node.strip_accents === true || (node.lowercase === true && node.strip_accents !== false))) {
      found.push(`BertNormalizer (lowercase: ${node.lowercase}, strip_accents: ${node.strip_accents ?? 'unset'})`);
    }
    if (node.type === 'StripAccents') found.push('StripAccents');
    for (const child of node.normalizers ?? []) visit(child);
  };
  visit((tokenizerJson as { normalizer?: unknown } | null)?.normalizer);
  return found.map((what) => ({
    code: 'HANGUL_DECOMPOSED',
    message: `tokenizer.json's normalizer ${what} strips accents, which decomposes Hangul syllables into jamo (한 → ᄒ ᅡ ᆫ) before the vocabulary sees them, so Korean text tokenizes poorly: use a cased model, or set "strip_accents": false in the BertNormalizer if the model was trained that way`,
  }));
}
