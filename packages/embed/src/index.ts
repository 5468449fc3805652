/**
 * ko-classify for a plain `<script src=".../ko-classify.js">`: a global `KoClassify` and the
 * `<ko-sentiment>` and `<ko-classify>` elements. The worker (`ko-classify.worker.js`), the ORT `.wasm` and the models
 * (`models/<id>/`) are looked up relative to this script's URL unless options say otherwise.
 *
 * @example
 * <script src="/ko-classify/ko-classify.js"></script>
 * <script>
 *   KoClassify.createClassifier().then((c) => c.classify('정말 재밌어요')).then(console.log);
 * </script>
 */
import { createClassifier as createCoreClassifier, type Classifier, type ClassifierOptions } from '@ko-classify/core';
import { KoClassifyElement } from './ko-classify.js';
import { KoSentimentElement } from './ko-sentiment.js';
import { scriptUrl } from './script-url.js';

export { KoClassifyError, isKoClassifyError } from '@ko-classify/core';
export type { Classification, Classifier, ClassifierOptions, ModelInfo, ProgressEvent } from '@ko-classify/core';
export { KoClassifyElement, KoSentimentElement };

/** `createClassifier` with models resolved next to the script (`<script dir>/models/`). */
export function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  return createCoreClassifier({ modelsBaseUrl: new URL('models/', scriptUrl).href, ...options });
}

if (typeof customElements !== 'undefined') {
  if (!customElements.get('ko-sentiment')) customElements.define('ko-sentiment', KoSentimentElement);
  if (!customElements.get('ko-classify')) customElements.define('ko-classify', KoClassifyElement);
}
