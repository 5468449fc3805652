import { describeResult, unsureLabels, type Classification, type ClassifierOptions, type ClassifierStore, type HeadJson } from '@ko-classify/core';
import { headStore } from './head-store.js';
import { BASE_CSS, LiveElement, part, sheetOf } from './live-element.js';

const styles = sheetOf(`${BASE_CSS}
  .result { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; min-height: 1.75rem; }
  .chip { display: inline-flex; align-items: baseline; gap: 0.3rem; padding: 0.15rem 0.6rem; border-radius: 999px; background: #fee2e2; color: #991b1b; font-weight: 600; }
  .chip small { font-weight: 400; opacity: 0.75; font-size: 0.75em; }
  .chip[data-label='not_hate_speech'], .chip[data-label='none'], .chip[data-label='positive'] { background: #dcfce7; color: #166534; }
  .taught .chip { background: #e0e7ff; color: #3730a3; }
  .chip.unsure { background: #fef3c7; color: #92400e; }
  .empty { color: #6b7280; }
`);

const TEMPLATE = `<div class="result" part="result" role="status" aria-live="polite"></div><div class="explained"></div>`;

/**
 * `<ko-classify for="comment" model="ko-moderation">`: the live labels of any model as chips —
 * every label over its threshold for a multi-label model, the best label otherwise — each with its
 * score, in the display names of the page's locale (see LiveElement). When the model is not sure,
 * an amber chip `애매함 (혐오 쪽 0.55)` instead of the label; for a multi-label model one amber chip
 * per label near its threshold (`애매함 (성차별 쪽 0.41)`), beside the chips of the labels it is sure of. With `explain`, one line of tinted words per chip
 * (for a multi-label model, that label against the model's harmless label). `max` caps the chips
 * shown (default 4).
 *
 * Labels of your own: a head taught with `teach()` over a sentence encoder (`ko-sentence`), from
 * the `head` property (a HeadJson), `head-name` (a head saved in this site's IndexedDB by
 * `saveHead` or `teach(…, { save: true })`) or `head-src` (the URL of a head.json). The encoder is
 * `model`, else the head's own (found under `models-base`: the embed folder ships only
 * ko-sentiment, so add `models/ko-sentence/` or point `models-base` at it); the chips show the
 * head's labels, 애매함 when it is not sure.
 *
 * @example
 * <textarea id="comment"></textarea>
 * <ko-classify for="comment" model="ko-moderation"></ko-classify>
 * <ko-classify for="comment" head-src="/heads/shop.json"></ko-classify>
 */
export class KoClassifyElement extends LiveElement {
  static override observedAttributes = [...LiveElement.observedAttributes, 'head-name', 'head-src'];
  protected defaultModel = 'ko-sentiment';
  private headJson: HeadJson | null = null;

  constructor() {
    super(styles(), TEMPLATE);
    // A `head` set before the element was defined is an own property hiding the setter: take it over
    // here, where an upgrade finds it, before any setup reads headJson.
    if (Object.hasOwn(this, 'head')) {
      const head = (this as { head: HeadJson | null }).head;
      delete (this as { head?: unknown }).head;
      this.headJson = head;
    }
  }

  /** A taught head to classify with (wins over `head-name` and `head-src`); null: none. */
  get head(): HeadJson | null {
    return this.headJson;
  }

  set head(head: HeadJson | null) {
    this.headJson = head;
    this.attributeChangedCallback();
  }

  protected override createStore(options: ClassifierOptions): ClassifierStore {
    const name = this.getAttribute('head-name');
    const src = this.getAttribute('head-src');
    const from = this.headJson ? { head: this.headJson } : name ? { name } : src ? { src } : null;
    const model = this.getAttribute('model');
    return from ? headStore(model ? { ...options, model } : options, from) : super.createStore(options);
  }

  protected render(r: Classification | null): void {
    const box = this.root.querySelector('.result')!;
    const why = this.root.querySelector('.explained')!;
    const { names, shown } = this.describe(r);
    this.toggleAttribute('empty', r !== null && shown.kind !== 'empty' && r.labels.length === 0);
    why.replaceChildren();
    if (!r || shown.kind === 'empty') return void box.replaceChildren();
    const chip = (label: string, text: string, score: string) => {
      const c = part('span', 'chip', text);
      c.dataset.label = label;
      c.append(Object.assign(document.createElement('small'), { textContent: score }));
      return c;
    };
    const unsure = (label: string, score: number) => {
      const c = chip(label, describeResult({ ...r, label, score }, names, this.locale()).text, '');
      c.classList.add('unsure');
      return c;
    };
    // Multi-label: unsure only about the labels near their threshold; the others are shown as they are.
    const info = this.store?.getState().info ?? null;
    box.classList.toggle('taught', !!info?.head);
    const near = unsureLabels(r, info);
    const sure = r.labels.filter((l) => !near.some((n) => n.label === l.label));
    if (shown.kind === 'uncertain' && !near.length) {
      box.replaceChildren(unsure(r.label!, r.score));
    } else if (!sure.length && !near.length) {
      box.replaceChildren(Object.assign(document.createElement('span'), { className: 'empty', textContent: '—' }));
    } else {
      box.replaceChildren(...near.map((n) => unsure(n.label, n.score)), ...sure.slice(0, Number(this.getAttribute('max') ?? 4)).map((l) => chip(l.label, names[l.label] ?? l.label, l.score.toFixed(2))));
    }
    const byLabel = r.explanation?.byLabel;
    const lines = byLabel ? r.labels.map((l) => l.label).filter((l) => byLabel[l]) : [undefined];
    why.replaceChildren(...lines.flatMap((l) => this.explanationNodes(r, l)));
  }
}
