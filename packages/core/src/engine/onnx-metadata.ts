/**
 * The `metadata_props` of an ONNX file (ModelProto field 14), read from the bytes without decoding the
 * graph: the top-level fields are walked and the graph (field 7, nearly all of the file) is skipped by
 * its length. `ko-classify optimize` marks the graphs it saved with ONNX Runtime's own optimisation.
 */

/** The key `ko-classify optimize` writes; its value is the ORT level the saved graph was optimised at. */
export const OPTIMIZED_KEY = 'ko_classify.graph_optimization';

function varint(b: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  let scale = 1;
  for (let i = at; i < b.length && i < at + 10; i++) {
    v += (b[i]! & 0x7f) * scale;
    if (!(b[i]! & 0x80)) return [v, i + 1];
    scale *= 128;
  }
  throw new Error('truncated varint');
}

/** `key → value` of the file's metadata; empty for bytes that are not a readable ONNX model. */
export function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = new TextDecoder();
  try {
    let at = 0;
    while (at < bytes.length) {
      const [tag, afterTag] = varint(bytes, at);
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire === 0) [, at] = varint(bytes, afterTag);
      else if (wire === 1) at = afterTag + 8;
      else if (wire === 5) at = afterTag + 4;
      else if (wire === 2) {
        const [len, start] = varint(bytes, afterTag);
        at = start + len;
        if (field === 14 && at <= bytes.length) {
          // StringStringEntryProto { key = 1; value = 2; }
          const entry = bytes.subarray(start, at);
          let key = '';
          let value = '';
          for (let p = 0; p < entry.length; ) {
            const [t, q] = varint(entry, p);
            const [l, s] = varint(entry, q);
            if (t === 10) key = text.decode(entry.subarray(s, s + l));
            else if (t === 18) value = text.decode(entry.subarray(s, s + l));
            p = s + l;
          }
          if (key) out[key] = value;
        }
      } else return out;
    }
  } catch {
    // not an ONNX model we can read: no metadata; session creation reports what is wrong
  }
  return out;
}

/**
 * Session options for a model file: a graph `ko-classify optimize` already optimised is loaded with
 * ORT's optimiser off (the same graph, without redoing the work at every load: about half of a
 * session's creation on this model size); any other file keeps the options as given.
 */
export function sessionOptionsFor<T extends { graphOptimizationLevel?: string }>(options: T | undefined, model: Uint8Array): T | undefined {
  if (!(OPTIMIZED_KEY in onnxMetadata(model))) return options;
  return { ...(options ?? ({} as T)), graphOptimizationLevel: 'disabled' };
}
