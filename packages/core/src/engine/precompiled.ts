/**
 * SentencePiece's `Precompiled` normalizer, exactly: the charsmap's double-array trie (darts-clone)
 * maps the longest matching UTF-8 prefix to its replacement, one rule at a time, left to right.
 * tokenizers.js approximates it with `String.prototype.normalize('NFKC')`, which also *composes*:
 * `영화ㄳ` becomes `영홗` (ㄳ joins the syllable before it) where SentencePiece maps ㄳ alone to ᆪ —
 * so internet Korean full of ㄳ, ㄵ, ㅄ tokenized differently from the model's training.
 */

interface NormalizerNode {
  normalize?(text: string): string;
  normalizers?: unknown[];
  config?: { type?: string; precompiled_charsmap?: string | null };
}

/**
 * Replaces every `Precompiled` normalizer in a tokenizers.js normalizer tree (itself or inside a
 * `Sequence`) with the exact charsmap implementation. Other normalizers are left alone.
 */
export function useExactPrecompiled(normalizer: unknown): void {
  // tokenizers.js normalizers are callable objects: functions.
  const node = normalizer as NormalizerNode | null;
  if (!node || (typeof node !== 'object' && typeof node !== 'function')) return;
  for (const child of node.normalizers ?? []) useExactPrecompiled(child);
  const charsmap = node.config?.type === 'Precompiled' ? node.config.precompiled_charsmap : null;
  if (typeof charsmap === 'string' && charsmap.length > 0) {
    const map = new CharsMap(charsmap);
    node.normalize = (text: string) => map.normalize(text);
  }
}

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

export class CharsMap {
  private readonly units: Uint32Array;
  private readonly normalized: Uint8Array;

  constructor(base64: string) {
    const blob = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > blob.byteLength) throw new Error('precompiled_charsmap is malformed');
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.normalized = blob.subarray(4 + trieSize);
  }

  /** The text as SentencePiece's normalizer rewrites it (before whitespace handling). */
  normalize(text: string): string {
    const bytes = utf8.encode(text);
    const out: Uint8Array[] = [];
    let copyFrom = 0;
    for (let i = 0; i < bytes.length; ) {
      const [length, value] = this.longestPrefix(bytes, i);
      if (length === 0) {
        i += charLength(bytes[i]!);
        continue;
      }
      out.push(bytes.subarray(copyFrom, i));
      let end = value;
      while (end < this.normalized.length && this.normalized[end] !== 0) end++;
      out.push(this.normalized.subarray(value, end));
      i += length;
      copyFrom = i;
    }
    if (copyFrom === 0) return text;
    out.push(bytes.subarray(copyFrom));
    return decoder.decode(concat(out));
  }

  /** darts-clone commonPrefixSearch, keeping the longest match: [bytes matched, value]. */
  private longestPrefix(key: Uint8Array, from: number): [number, number] {
    const u = this.units;
    let pos = offset(u[0]!);
    let best: [number, number] = [0, 0];
    for (let i = from; i < key.length; i++) {
      const c = key[i]!;
      pos ^= c;
      const unit = u[pos];
      if (unit === undefined || (unit & 0x800000ff) !== c) break;
      pos ^= offset(unit);
      if ((unit >>> 8) & 1) best = [i - from + 1, u[pos]! & 0x7fffffff];
    }
    return best;
  }
}

function offset(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}

/** Bytes in the UTF-8 sequence that starts with `lead` (the input came from a JS string: well formed). */
function charLength(lead: number): number {
  return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
