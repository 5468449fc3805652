import type { Classification } from '@ko-classify/core';
import { BASE_CSS, LiveElement, sheetOf } from './live-element.js';

const styles = sheetOf(`${BASE_CSS}
  .result { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; min-height: 1.75rem; }
  .chip { display: inline-flex; align-items: baseline; gap: 0.3rem; padding: 0.15rem 0.6rem; border-radius: 999px; background: #fee2e2; color: #991b1b; font-weight: 600; }
  .chip small { font-weight: 400; opacity: 0.75; font-size: 0.75em; }
  .chip[data-label='not_hate_speech'], .chip[data-label='none'], .chip[data-label='positive'] { background: #dcfce7; color: #166534; }
  .empty { color: #6b7280; }
`);

const TEMPLATE = `<div class="result" part="result" role="status" aria-live="polite"></div>`;

/**
 * `<ko-classify for="comment" model="ko-moderation" locale="ko">`: the live labels of any model as
 * chips — every label over its threshold for a multi-label model, the best label otherwise — each
 * with its score, in the model's display names for `locale` (ids otherwise). Attributes: see
 * LiveElement; `max` caps the chips shown (default 4).
 *
 * @example
 * <textarea id="comment"></textarea>
 * <ko-classify for="comment" model="ko-moderation" locale="ko"></ko-classify>
 */
export class KoClassifyElement extends LiveElement {
  protected defaultModel = 'ko-sentiment';

  constructor() {
    super(styles(), TEMPLATE);
  }

  protected render(r: Classification | null): void {
    const box = this.root.querySelector('.result')!;
    this.toggleAttribute('empty', r !== null && r.labels.length === 0);
    if (!r) return void box.replaceChildren();
    if (r.labels.length === 0) {
      box.replaceChildren(Object.assign(document.createElement('span'), { className: 'empty', textContent: '—' }));
      return;
    }
    const max = Number(this.getAttribute('max') ?? 4);
    box.replaceChildren(
      ...r.labels.slice(0, max).map((l) => {
        const chip = Object.assign(document.createElement('span'), { className: 'chip' });
        chip.setAttribute('part', 'chip');
        chip.dataset.label = l.label;
        chip.append(l.displayName ?? l.label, Object.assign(document.createElement('small'), { textContent: l.score.toFixed(2) }));
        return chip;
      }),
    );
  }
}
