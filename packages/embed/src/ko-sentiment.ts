import type { Classification } from '@ko-classify/core';
import { BASE_CSS, LiveElement, sheetOf } from './live-element.js';

const styles = sheetOf(`${BASE_CSS}
  .result { display: flex; align-items: center; gap: 0.5rem; min-height: 1.5rem; }
  .label { font-weight: 600; min-width: 5rem; }
  .bar { flex: 1; height: 8px; background: #e5e7eb; border-radius: 4px; overflow: hidden; }
  .bar .fill { display: block; height: 100%; width: 0; background: #6b7280; transition: width 0.15s; }
  :host(:not([label])) .bar { display: none; }
  :host([label='positive']) .label { color: #15803d; }
  :host([label='positive']) .bar .fill { background: #22c55e; }
  :host([label='negative']) .label { color: #b91c1c; }
  :host([label='negative']) .bar .fill { background: #ef4444; }
  :host([uncertain]) .label { color: #92400e; }
  :host([uncertain]) .bar .fill { background: #f59e0b; }
`);

const TEMPLATE = `
<div class="result" part="result" role="status" aria-live="polite">
  <span class="label" part="label"></span>
  <span class="bar" part="bar" aria-hidden="true"><span class="fill"></span></span>
  <span class="score" part="score"></span>
</div>
<div class="explained"></div>`;

/**
 * `<ko-sentiment for="review" model="ko-sentiment">` shows the live label and a score bar for the
 * textarea (or input) with id `for`, debounced as the user types, with a download progress bar on
 * first use. On a `lang="ko"` page it shows 긍정 0.97 / 부정 0.98, or `애매함 (부정 쪽 0.62)` in amber
 * when the model is not sure; nothing (no bar) for empty text. Attributes: see LiveElement.
 *
 * @example
 * <textarea id="review"></textarea>
 * <ko-sentiment for="review"></ko-sentiment>
 */
export class KoSentimentElement extends LiveElement {
  protected defaultModel = 'ko-sentiment';

  constructor() {
    super(styles(), TEMPLATE);
  }

  protected render(r: Classification | null): void {
    const { shown } = this.describe(r);
    this.root.querySelector('.label')!.textContent = shown.text;
    this.root.querySelector('.score')!.textContent = shown.kind === 'sure' ? r!.score.toFixed(2) : '';
    this.root.querySelector<HTMLElement>('.bar .fill')!.style.width = r && shown.kind !== 'empty' ? `${(r.score * 100).toFixed(1)}%` : '0';
    this.root.querySelector('.explained')!.replaceChildren(...this.explanationNodes(r));
  }
}
