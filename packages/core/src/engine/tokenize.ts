import { KoClassifyError } from '../errors.js';
import { createTokenizerCore } from './tokenizer-core.js';
import type { TokenizerCore, TokenizerWarning } from './tokenizer-types.js';

export type { TokenizerWarning } from './tokenizer-types.js';

/** Token ids of one input, ready to batch. */
export interface Encoded {
  ids: number[];
  typeIds: number[];
}

/** A text after validation: NFC-normalised, well-formed UTF-16. */
export interface NormalizedInput {
  text: string;
  textPair: string | null;
}

/**
 * Validates one user input and NFC-normalises it, so NFD Hangul (e.g. from macOS file names or
 * some IMEs) tokenizes exactly like NFC. Lone surrogates become U+FFFD instead of reaching the
 * tokenizer, which would otherwise split them inconsistently.
 */
export function normalizeInput(value: unknown, index: number): NormalizedInput {
  if (typeof value === 'string') return { text: clean(value), textPair: null };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { text, textPair } = value as { text?: unknown; textPair?: unknown };
    if (typeof text === 'string' && (textPair === undefined || typeof textPair === 'string')) {
      return { text: clean(text), textPair: textPair === undefined ? null : clean(textPair) };
    }
  }
  throw new KoClassifyError(
    'INVALID_INPUT',
    `input ${index} is ${describe(value)}: pass a string or { text: string, textPair?: string }`,
    { index },
  );
}

function clean(s: string): string {
  return s.toWellFormed().normalize('NFC');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object without a string `text`';
  return `a ${typeof v}`;
}

/**
 * A model's tokenizer with the truncation `transformers` applies by default (longest first), built on
 * the model's own post-processor template so BERT/ELECTRA/DeBERTa layouts all work.
 *
 * @example
 * const tokenizer = await Tokenizer.create(tokenizerJson, tokenizerConfig, 128);
 * tokenizer.encode(normalizeInput('정말 재밌어요', 0)).ids;
 */
export class Tokenizer {
  readonly maxLength: number;
  /** Problems for Korean text found in tokenizer.json (see hangulWarnings, tokenizers-js.ts). */
  readonly warnings: TokenizerWarning[];
  private readonly core: TokenizerCore;
  private readonly unkId: number;
  private readonly specialCount: { single: number; pair: number };

  /** Reads tokenizer.json; tokenizers.js is loaded only for layouts the built-in pipeline does not cover. */
  static async create(tokenizerJson: unknown, tokenizerConfig: unknown, maxLength: number): Promise<Tokenizer> {
    let core: TokenizerCore;
    try {
      core = await createTokenizerCore(tokenizerJson, tokenizerConfig);
    } catch (e) {
      throw new KoClassifyError('MODEL_INVALID', `tokenizer.json could not be read: ${(e as Error).message}`);
    }
    return new Tokenizer(core, tokenizerJson, tokenizerConfig, maxLength);
  }

  private constructor(core: TokenizerCore, tokenizerJson: unknown, tokenizerConfig: unknown, maxLength: number) {
    this.core = core;
    this.warnings = core.warnings ?? [];
    this.maxLength = maxLength;
    const unk = (tokenizerConfig as { unk_token?: unknown }).unk_token;
    this.unkId = core.tokenId(typeof unk === 'string' ? unk : '[UNK]') ?? 0;
    this.specialCount = {
      single: this.assemble([], null).ids.length,
      pair: this.assemble([], []).ids.length,
    };
    if (this.specialCount.pair >= maxLength) {
      throw new KoClassifyError('INVALID_INPUT', `maxLength ${maxLength} leaves no room for text`);
    }
  }

  encode(input: NormalizedInput, maxLength = this.maxLength): Encoded {
    const a = this.tokenize(input.text, maxLength);
    if (input.textPair === null) {
      const room = maxLength - this.specialCount.single;
      return this.assemble(a.length > room ? a.slice(0, room) : a, null);
    }
    const b = this.tokenize(input.textPair, maxLength);
    // Which text is longer decides who keeps an odd budget's extra token. A text cut to a prefix
    // (tokenize) is counted whole when its prefix leaves that open: both cut, or its prefix no
    // longer than the other text.
    const aCut = input.text.length > prefixChars(maxLength);
    const bCut = input.textPair.length > prefixChars(maxLength);
    let na = a.length;
    let nb = b.length;
    if (aCut && (bCut || na <= nb)) na = this.tokenizeWhole(input.text).length;
    if (bCut && (aCut || nb <= na)) nb = this.tokenizeWhole(input.textPair).length;
    const [ka, kb] = longestFirst(na, nb, maxLength - this.specialCount.pair);
    return this.assemble(a.slice(0, ka), b.slice(0, kb));
  }

  /**
   * Windows covering a whole single text, each at most `maxLength` tokens with special tokens,
   * advancing by 3/4 of a window so every token is seen with some context on both sides.
   */
  encodeWindows(input: NormalizedInput, maxLength = this.maxLength): Encoded[] {
    if (input.textPair !== null) return [this.encode(input, maxLength)];
    const all = this.tokenizeWhole(input.text);
    const room = maxLength - this.specialCount.single;
    if (all.length <= room) return [this.assemble(all, null)];
    const stride = Math.max(1, Math.floor((room * 3) / 4));
    const windows: Encoded[] = [];
    for (let start = 0; ; start += stride) {
      windows.push(this.assemble(all.slice(start, start + room), null));
      if (start + room >= all.length) break;
    }
    return windows;
  }

  /**
   * Tokens of a whole text of any length, in whitespace-bounded chunks: tokenizers.js spreads a
   * text's tokens into one call's arguments, which overflows the stack past ~100K tokens. Pieces
   * never span whitespace, so chunking at spaces gives the same tokens.
   */
  private tokenizeWhole(text: string): string[] {
    const CHUNK = 8192;
    const out: string[] = [];
    for (let start = 0; start < text.length; ) {
      let end = Math.min(text.length, start + CHUNK);
      if (end < text.length) {
        const space = text.lastIndexOf(' ', end);
        if (space > start) end = space;
      }
      for (const t of this.core.tokenize(text.slice(start, end))) out.push(t);
      start = end;
    }
    return out;
  }

  /**
   * Tokens of a text that will be truncated to `maxLength`: a 1 MB text must not cost a full
   * segmentation, so only a prefix long enough for far more than `maxLength` tokens is tokenized
   * (no vocabulary piece is longer than 32 characters).
   */
  private tokenize(text: string, maxLength: number): string[] {
    const limit = prefixChars(maxLength);
    let t = text;
    if (t.length > limit) {
      const cut = t.lastIndexOf(' ', limit);
      t = t.slice(0, cut > limit / 2 ? cut : limit);
    }
    return this.core.tokenize(t);
  }

  /** The id of a vocabulary token, if present. */
  tokenId(token: string): number | undefined {
    return this.core.tokenId(token);
  }

  private assemble(a: string[], b: string[] | null): Encoded {
    const { tokens, typeIds } = this.core.postProcess(a, b);
    return { ids: tokens.map((t) => this.core.tokenId(t) ?? this.unkId), typeIds: typeIds ?? new Array<number>(tokens.length).fill(0) };
  }
}

/** Characters of a text `tokenize` segments for `maxLength` tokens: no vocabulary piece is longer than 32. */
function prefixChars(maxLength: number): number {
  return maxLength * 32;
}

/**
 * How many tokens of each text a pair keeps within `budget`: Hugging Face tokenizers' `longest_first`.
 * Only the longer text is cut while the shorter fits beside it; when both must be cut the shorter keeps
 * ⌊budget/2⌋ and the longer the rest (a tie counts the pair as the longer).
 */
export function longestFirst(na: number, nb: number, budget: number): [number, number] {
  if (na + nb <= budget) return [na, nb];
  const swap = na > nb;
  let short = swap ? nb : na;
  let long = short > budget ? short : Math.max(short, budget - short);
  if (short + long > budget) {
    short = Math.floor(budget / 2);
    long = budget - short;
  }
  return swap ? [Math.min(na, long), Math.min(nb, short)] : [Math.min(na, short), Math.min(nb, long)];
}
