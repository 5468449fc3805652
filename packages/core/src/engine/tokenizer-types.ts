/** What both tokenizer pipelines share: their interface, their warnings, tokenizer.json's `added_tokens`. */

/** What the Tokenizer needs from a tokenizer.json pipeline: pieces, the special-token template, ids. */
export interface TokenizerCore {
  /** Pieces of a text (added tokens split out, normalized, pre-tokenized, segmented), no special tokens. */
  tokenize(text: string): string[];
  /** The post-processor's layout of one or two sequences: tokens and their type ids. */
  postProcess(a: string[], b: string[] | null): { tokens: string[]; typeIds?: number[] };
  tokenId(token: string): number | undefined;
  /** Problems for Korean text this pipeline's normalizers cause (none for the built-in one). */
  warnings?: TokenizerWarning[];
}

/** A problem with the tokenizer for Korean text, reported once at load as a `warning` event. */
export interface TokenizerWarning {
  code: 'HANGUL_DECOMPOSED';
  message: string;
}

export interface AddedTokenJson {
  id: number;
  content: string;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** The entries with a string `content` and a numeric `id` (others are skipped). */
export function addedTokens(json: unknown): AddedTokenJson[] {
  const list = (json as { added_tokens?: unknown }).added_tokens;
  return Array.isArray(list) ? (list as AddedTokenJson[]).filter((t) => typeof t?.content === 'string' && typeof t.id === 'number') : [];
}
