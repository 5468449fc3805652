/**
 * `createEncoder()` and `teach()` for Node: the page's `Encoder` (embed, teach, classifier(head)) on a
 * local sentence encoder directory or an installed model package, in-process through the same model
 * host as `createClassifier()`.
 */
import { makeEncoder, ownEncoder, type EncoderBackend } from '../encoder-api.js';
import type { Encoder, TaughtClassifier, TeachExample } from '../encoder-types.js';
import { KoClassifyError } from '../errors.js';
import { openModel, type NodeClassifierOptions } from './client.js';

/**
 * @example
 * import { createEncoder, similarity } from '@ko-classify/core/node';
 * const enc = await createEncoder(); // npm i @ko-classify/model-ko-sentence
 * const [a, b] = await enc.embed(['배송이 빨라요', '택배가 금방 왔어요']);
 * console.log(similarity(a, b));
 * const clf = await enc.teach([{ text: '환불해 주세요', label: 'refund' }, { text: '언제 와요?', label: 'shipping' }]);
 * console.log((await clf.classify('돈 돌려받고 싶어요')).label);
 */
export async function createEncoder(o: NodeClassifierOptions = {}): Promise<Encoder> {
  const { host, info } = await openModel(o, 'ko-sentence');
  let disposed = false;
  // Checked before the call and between its batches: a dispose or an abort stops it there.
  const stop = (signal?: AbortSignal) => () => {
    if (disposed) throw new KoClassifyError('DISPOSED', 'the encoder was disposed: create a new one');
    if (signal?.aborted) throw new KoClassifyError('ABORTED', 'the call was aborted', { reason: String(signal.reason ?? '') });
  };
  const backend: EncoderBackend = {
    info: () => info,
    embed: (texts, options, signal) => host.embed(texts, options, stop(signal)),
    teach: (examples, options, signal) => host.teach(examples, options, stop(signal)),
    classifyHead: (inputs, head, options, signal) => host.classifyHead(inputs, head, options, stop(signal)),
    async dispose() {
      disposed = true;
      await host.dispose();
    },
  };
  try {
    return makeEncoder(backend);
  } catch (e) {
    await host.dispose();
    throw e;
  }
}

/** `teach()`'s options on Node: where the encoder comes from, and the examples. */
export interface NodeTeachOptions extends NodeClassifierOptions {
  examples: readonly TeachExample[];
  name?: string;
  signal?: AbortSignal;
}

/**
 * Loads an encoder and teaches it `examples`; disposing the classifier disposes that encoder.
 *
 * @example
 * const clf = await teach({ examples: [{ text: '최고예요', label: '좋음' }, { text: '별로예요', label: '나쁨' }] });
 */
export async function teach(o: NodeTeachOptions): Promise<TaughtClassifier> {
  const { examples, name, signal, ...rest } = o;
  const encoder = await createEncoder(rest);
  return ownEncoder(encoder, () => encoder.teach(examples, { name, signal }));
}
