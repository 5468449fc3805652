/**
 * `createEncoder()` and `teach()` on the page: a sentence encoder in the page's worker (shared with
 * the page's classifiers like `createClassifier()`), the public behaviour from `encoder-api.ts`.
 */
import { makeEncoder, ownEncoder, type EncoderBackend } from '../encoder-api.js';
import type { Encoder, TaughtClassifier, TeachClassifierOptions } from '../encoder-types.js';
import { KoClassifyError } from '../errors.js';
import type { ClassifierOptions } from '../types.js';
import { openModel } from './client.js';
import { saveHead } from './head-api.js';

/**
 * Loads a sentence encoder (default `ko-sentence`) into the page's worker: `embed()` texts, `teach()`
 * it labels from a few examples, or load a head taught before with `classifier(head)`. A classifier
 * model is INVALID_INPUT naming createClassifier().
 *
 * @example
 * const encoder = await createEncoder();
 * const [a, b] = await encoder.embed(['배송이 빨라요', '택배가 금방 왔어요']);
 * console.log(similarity(a, b));
 * const tone = await encoder.teach([
 *   { text: '정말 감사합니다', label: '칭찬' },
 *   { text: '환불해 주세요', label: '불만' },
 * ], { name: 'tone', save: true });
 * console.log((await tone.classify('너무 좋아요')).label); // "칭찬"
 */
export async function createEncoder(options: ClassifierOptions = {}): Promise<Encoder> {
  const handle = await openModel(options, 'ko-sentence');
  const backend: EncoderBackend = {
    info: () => handle.info(),
    embed: (texts, o, signal) => handle.embed(texts, { ...o, signal }),
    teach: (examples, o, signal) => handle.teach(examples, o, signal),
    classifyHead: (inputs, head, o, signal) => handle.classifyHead(inputs, head, { ...o, signal }),
    dispose: () => handle.dispose(),
    saveHead: (head, name) => saveHead(head, name),
  };
  try {
    return makeEncoder(backend);
  } catch (e) {
    await handle.dispose();
    throw e;
  }
}

/**
 * Loads an encoder and teaches it `examples` in one step; disposing the classifier disposes that
 * encoder (its handle: a shared encoder stays for its other users).
 *
 * @example
 * const clf = await teach({ examples: [{ text: '최고예요', label: '좋음' }, { text: '별로예요', label: '나쁨' }], name: 'tone', save: true });
 * (await clf.classify('괜찮네요')).label;
 */
export async function teach(options: TeachClassifierOptions): Promise<TaughtClassifier> {
  if (options === null || typeof options !== 'object') throw new KoClassifyError('INVALID_INPUT', 'teach() takes { examples: [{ text, label }, …], model?, name?, save? }');
  const { examples, name, save, signal, ...rest } = options;
  const encoder = await createEncoder(rest);
  return ownEncoder(encoder, () => encoder.teach(examples, { name, save, signal }));
}
