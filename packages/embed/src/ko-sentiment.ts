import type { Classification } from '@ko-classify/core';
import { BASE_CSS, LiveElement, sheetOf } from './live-element.js';

const styles = sheetOf(`${BASE_CSS}
  .result { display: flex; align-items: center; gap: 0.5rem; min-height: 1.5rem; }
  .label { font-weight: 600; min-width: 5rem; }
  .bar { flex: 1; height: 8px; background: #e5e7eb; border-radius: 4px; overflow: hidden; }
  .bar .fill { display: block; height: 100%; width: 0; background: #6b7280; transition: width 0.15s; }
  :host([label='positive']) .label { color: #15803d; }
  :host([label='positive']) .bar .fill { background: #22c55e; }
  :host([label='negative']) .label { color: #b91c1c; }
  :host([label='negative']) .bar .fill { background: #ef4444; }
  .why { margin: 0.25rem 0 0; line-height: 1.8; }
  .why:empty { display: none; }
  mark { border-radius: 3px; padding: 0 0.1em; text-underline-offset: 0.2em; }
`);

const TEMPLATE = `
<div class="result" part="result" role="status" aria-live="polite">
  <span class="label" part="label"></span>
  <span class="bar" part="bar" aria-hidden="true"><span class="fill"></span></span>
  <span class="score" part="score"></span>
</div>
<p class="why" part="explanation"></p>`;

/**
 * `<ko-sentiment for="review" model="ko-sentiment">` shows the live label and a score bar for the
 * textarea (or input) with id `for`, debounced as the user types, with a download progress bar on
 * first use (attributes: see LiveElement; `locale="ko"` shows 긍정/부정).
 *
 * @example
 * <textarea id="review"></textarea>
 * <ko-sentiment for="review" locale="ko"></ko-sentiment>
 */
export class KoSentimentElement extends LiveElement {
  protected defaultModel = 'ko-sentiment';

  constructor() {
    super(styles(), TEMPLATE);
  }

  protected render(r: Classification | null): void {
    this.root.querySelector('.label')!.textContent = r ? (r.displayName ?? r.label) : '';
    this.root.querySelector('.score')!.textContent = r ? r.score.toFixed(2) : '';
    this.root.querySelector<HTMLElement>('.bar .fill')!.style.width = r ? `${(r.score * 100).toFixed(1)}%` : '0';
    this.root.querySelector('.why')!.replaceChildren(...this.explanationNodes(r));
  }
}
