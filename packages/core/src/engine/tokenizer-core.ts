import { CharsMap } from './precompiled.js';
import { addedTokens, type AddedTokenJson, type TokenizerCore } from './tokenizer-types.js';

export type { TokenizerCore, TokenizerWarning } from './tokenizer-types.js';
import { isUnigram, unigramSegmenter, type UnigramJson } from './unigram.js';


type Node = { type?: string; [key: string]: unknown } | null | undefined;

/**
 * The tokenizer for a model: the built-in SentencePiece pipeline when tokenizer.json is the layout
 * SentencePiece exports (Unigram, Precompiled/Replace/Strip/Unicode normalizers, Metaspace,
 * TemplateProcessing: every DeBERTa-v2/v3 and ko-classify model), else tokenizers.js, loaded only
 * then (it is most of the worker's code otherwise).
 */
export async function createTokenizerCore(tokenizerJson: unknown, tokenizerConfig: unknown): Promise<TokenizerCore> {
  return sentencePieceCore(tokenizerJson, tokenizerConfig) ?? (await import('./tokenizers-js.js')).tokenizersJsCore(tokenizerJson, tokenizerConfig);
}

/**
 * tokenizers.js's pipeline for the SentencePiece layout, without tokenizers.js: the same sections
 * (added tokens split out of the raw text, then of the normalized text), the same normalizers and
 * Metaspace, unigramSegmenter for the pieces. Null when tokenizer.json uses anything else.
 */
export function sentencePieceCore(tokenizerJson: unknown, tokenizerConfig: unknown): TokenizerCore | null {
  if (!isUnigram(tokenizerJson)) return null;
  const json = tokenizerJson as UnigramJson & { normalizer?: Node; pre_tokenizer?: Node; post_processor?: Node; model: { byte_fallback?: boolean } };
  const config = (tokenizerConfig ?? {}) as { remove_space?: unknown; do_lowercase_and_remove_accent?: unknown };
  if (json.model.byte_fallback || config.remove_space === true || config.do_lowercase_and_remove_accent) return null;
  const normalize = normalizerOf(json.normalizer ?? null);
  const metaspace = metaspaceOf(json.pre_tokenizer ?? null);
  const post = templateOf(json.post_processor ?? null);
  if (normalize === undefined || !metaspace || post === undefined) return null;
  const seg = unigramSegmenter(json);
  // The segmenter's own map: added tokens join it, as tokenizers.js adds them to its model's.
  const ids = seg.ids;
  const added = addedTokens(json);
  const byContent = new Map<string, AddedTokenJson>();
  const raw: string[] = [];
  const normalizedContents: string[] = [];
  for (const t of added) {
    ids.set(t.content, t.id);
    byContent.set(t.content, t);
    // tokenizers.js's AddedToken default: special tokens match the raw text, others the normalized.
    if ((t.normalized ?? !t.special) && normalize) {
      const n = normalize(t.content);
      byContent.set(n, t);
      normalizedContents.push(n);
    } else raw.push(t.content);
  }
  const splitRaw = splitter(raw);
  const splitNormalized = splitter(normalizedContents);
  /** tokenizers.js's lstrip/rstrip: an added token trims the sections beside it. */
  const strip = (sections: string[]) => {
    sections.forEach((s, i) => {
      const t = byContent.get(s);
      if (!t) return;
      if (t.lstrip && i > 0) sections[i - 1] = sections[i - 1]!.trimEnd();
      if (t.rstrip && i < sections.length - 1) sections[i + 1] = sections[i + 1]!.trimStart();
    });
    return sections;
  };
  const tokenize = (text: string): string[] => {
    const out: string[] = [];
    strip(splitRaw(text)).forEach((section, index) => {
      if (section.length === 0) return;
      if (byContent.has(section)) return void out.push(section);
      const normalized = normalize ? normalize(section) : section;
      if (normalized.length === 0) return;
      for (const sub of strip(splitNormalized(normalized))) {
        if (sub.length === 0) continue;
        if (byContent.has(sub)) {
          out.push(sub);
          continue;
        }
        for (const piece of seg.tokenize(metaspace(sub, index))) out.push(piece);
      }
    });
    return out;
  };
  return { tokenize, postProcess: post ?? ((a, b) => ({ tokens: b ? [...a, ...b] : a })), tokenId: (t) => ids.get(t) };
}


/** Splits a text around any of `contents`, longest match first at each position, keeping them. */
function splitter(contents: string[]): (text: string) => string[] {
  const list = [...new Set(contents.filter((c) => c.length > 0))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => [text];
  const re = new RegExp(`(${list.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'u');
  return (text) => text.split(re);
}

/** The normalizer as a function; null: none; undefined: one this pipeline does not implement. */
function normalizerOf(node: Node): ((text: string) => string) | null | undefined {
  if (node === null || node === undefined) return null;
  switch (node.type) {
    case 'Sequence': {
      const steps = (Array.isArray(node.normalizers) ? node.normalizers : []).map((n) => normalizerOf(n as Node));
      if (steps.some((s) => s === undefined)) return undefined;
      const fns = steps.filter((s): s is (text: string) => string => s !== null);
      return (text) => fns.reduce((t, f) => f(t), text);
    }
    case 'Precompiled': {
      const charsmap = node.precompiled_charsmap;
      // Without a charsmap tokenizers.js still cleans control characters and applies NFKC: leave it to it.
      if (typeof charsmap !== 'string' || charsmap.length === 0) return undefined;
      const map = new CharsMap(charsmap);
      return (text) => map.normalize(text);
    }
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = node.type;
      return (text) => text.normalize(form);
    }
    case 'Lowercase':
      return (text) => text.toLowerCase();
    case 'Strip': {
      const left = Boolean(node.strip_left);
      const right = Boolean(node.strip_right);
      return (text) => (left && right ? text.trim() : left ? text.trimStart() : right ? text.trimEnd() : text);
    }
    case 'Replace': {
      const pattern = node.pattern as { String?: unknown; Regex?: unknown } | undefined;
      const content = typeof node.content === 'string' ? node.content : '';
      if (typeof pattern?.String === 'string') {
        const from = pattern.String;
        return (text) => text.replaceAll(from, content);
      }
      // Literal characters with quantifiers read the same in Oniguruma and JS; classes, anchors, `.`
      // and escapes like \s differ (tokenizers.js rewrites them), so those go through tokenizers.js.
      if (typeof pattern?.Regex === 'string' && /^(?:[^\\.^$[\](){}|+*?]|\{\d+(?:,\d*)?\}|[+*?])*$/.test(pattern.Regex)) {
        let re: RegExp;
        try {
          re = new RegExp(pattern.Regex, 'gu');
        } catch {
          return undefined;
        }
        return (text) => text.replaceAll(re, content);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Metaspace as tokenizers.js applies it to one section (`split: true` is not implemented here). */
function metaspaceOf(node: Node): ((text: string, section: number) => string) | null {
  if (!node || node.type !== 'Metaspace' || node.split === true) return null;
  const replacement = typeof node.replacement === 'string' ? node.replacement : '\u2581';
  const rep = typeof node.str_rep === 'string' && node.str_rep ? node.str_rep : replacement;
  const scheme = typeof node.prepend_scheme === 'string' ? node.prepend_scheme : 'always';
  return (text, section) => {
    const s = text.replaceAll(' ', rep);
    const prepend = !s.startsWith(replacement) && (scheme === 'always' || (scheme === 'first' && section === 0));
    return prepend ? rep + s : s;
  };
}

type Template = { SpecialToken?: { id: string; type_id: number }; Sequence?: { id: 'A' | 'B'; type_id: number } }[];

/** TemplateProcessing as a function; null: no post-processor; undefined: another kind. */
function templateOf(node: Node): TokenizerCore['postProcess'] | null | undefined {
  if (node === null || node === undefined) return null;
  if (node.type !== 'TemplateProcessing' || !Array.isArray(node.single) || !Array.isArray(node.pair)) return undefined;
  const single = node.single as Template;
  const pair = node.pair as Template;
  return (a, b) => {
    const tokens: string[] = [];
    const typeIds: number[] = [];
    for (const item of b === null ? single : pair) {
      if (item.SpecialToken) {
        tokens.push(item.SpecialToken.id);
        typeIds.push(item.SpecialToken.type_id);
      } else if (item.Sequence) {
        const seq = item.Sequence.id === 'A' ? a : item.Sequence.id === 'B' ? (b ?? []) : [];
        for (const t of seq) {
          tokens.push(t);
          typeIds.push(item.Sequence.type_id);
        }
      }
    }
    return { tokens, typeIds };
  };
}
