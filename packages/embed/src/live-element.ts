import { classificationState, contributionStyle, createLiveClassification, describeResult, displayLocale, explanationAxis, explanationSegments, labelNames, pageClassifierStore, type Classification, type ClassifierOptions, type ClassifierStore, type LiveClassification, type ResultText } from '@ko-classify/core';
import { scriptUrl } from './script-url.js';
import { workerFactory } from './script-worker.js';

/** A `tag` element with `part` as its part and class name (and `text`). */
export function part<K extends keyof HTMLElementTagNameMap>(tag: K, name: string, text = ''): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), { className: name, textContent: text });
  el.setAttribute('part', name);
  return el;
}

/** A stylesheet built through CSSOM: pages with a strict CSP (style-src 'self') block inline <style>. */
export function sheetOf(css: string): () => CSSStyleSheet {
  let sheet: CSSStyleSheet | null = null;
  return () => {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    return sheet;
  };
}

export const BASE_CSS = `
  :host { display: block; font: inherit; }
  .progress { height: 4px; background: #e5e7eb; border-radius: 2px; overflow: hidden; margin: 0.25rem 0; }
  .progress .fill { height: 100%; width: 0; background: #3b82f6; }
  :host([state='pending']) .result { opacity: 0.6; }
  .explanation { margin: 0.25rem 0 0; line-height: 1.8; }
  .legend { margin: 0; font-size: 0.8em; color: #57606a; }
  mark { border-radius: 3px; padding: 0 0.1em; text-underline-offset: 0.2em; }
  [hidden] { display: none !important; }
`;

const PROGRESS = `<div class="progress" part="progress" role="progressbar" aria-label="model download" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" hidden><div class="fill"></div></div>`;
const MESSAGE = `<div class="message" part="message" role="alert" hidden></div>`;

/**
 * What `<ko-sentiment>` and `<ko-classify>` share: follow the textarea or input with id `for`,
 * classify it live (debounce, latest answer wins), show download progress on first use. Host
 * attributes reflect what is shown: `state` (loading | idle | pending | done | error), `label` (the
 * label shown, or the one leant toward when unsure; absent for empty text) and `uncertain` (present
 * when the model is not sure: shown as 애매함 with its leaning, e.g. `애매함 (부정 쪽 0.62)`).
 * Attributes: `model` (id or URL), `models-base` (default `<script dir>/models/`), `worker` (worker
 * script URL, default `<script dir>/ko-classify.worker.js`), `wasm-paths` (ORT's .wasm folder, default
 * beside the worker), `debounce` (ms, 250), `locale` (display names; default the nearest `lang`,
 * else the model's default locale, else label ids), `explain` (show which words pushed which way:
 * green for the positive or harmless side, red for the other, with a legend and the log-odds numbers).
 */
export abstract class LiveElement extends HTMLElement {
  static observedAttributes = ['for', 'model', 'models-base', 'worker', 'wasm-paths', 'debounce', 'locale', 'explain'];
  protected readonly root: ShadowRoot;
  private cleanup: (() => void)[] = [];
  protected store: ClassifierStore | null = null;
  private live: LiveClassification | null = null;

  constructor(sheet: CSSStyleSheet, template: string) {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [sheet];
    this.root.innerHTML = PROGRESS + template + MESSAGE;
  }

  /** Draw a result (`null`: nothing to show). */
  protected abstract render(result: Classification | null): void;
  protected abstract defaultModel: string;

  // Set by connectedCallback: an element upgraded in place gets attributeChangedCallback for each
  // attribute (already connected) before connectedCallback, and must set up once, after them.
  private connected = false;

  connectedCallback(): void {
    this.connected = true;
    this.teardown();
    this.setup();
  }

  disconnectedCallback(): void {
    this.connected = false;
    this.teardown();
  }

  attributeChangedCallback(): void {
    if (!this.connected) return;
    this.teardown();
    this.setup();
  }

  /** The store to show: core's page-wide one for the model (every element showing it shares its load and worker). */
  protected createStore(options: ClassifierOptions): ClassifierStore {
    return pageClassifierStore({ model: this.getAttribute('model') ?? this.defaultModel, ...options });
  }

  private setup(): void {
    const worker = this.getAttribute('worker');
    const wasmPaths = this.getAttribute('wasm-paths');
    const store = this.createStore({
      modelsBaseUrl: this.getAttribute('models-base') ?? new URL('models/', scriptUrl).href,
      ...(wasmPaths ? { wasmPaths: new URL(wasmPaths, document.baseURI).href } : {}),
      ...(worker ? { createWorker: workerFactory(new URL(worker, document.baseURI).href) } : {}),
    });
    const live = createLiveClassification({ debounceMs: Number(this.getAttribute('debounce') ?? 250), ...(this.hasAttribute('explain') ? { explain: true } : {}) });
    this.store = store;
    this.live = live;
    this.cleanup.push(store.acquire(), store.subscribe(() => this.renderModel()), live.subscribe(() => this.renderResult()), () => live.cancel());
    const target = this.target();
    if (target) {
      const onInput = () => live.setText(target.value);
      target.addEventListener('input', onInput);
      this.cleanup.push(() => target.removeEventListener('input', onInput));
      live.setText(target.value);
    } else {
      this.fail(`${this.localName}: no element with id "${this.getAttribute('for') ?? ''}"`);
    }
    this.renderModel();
  }

  private teardown(): void {
    for (const f of this.cleanup.splice(0)) f();
    this.store = null;
    this.live = null;
  }

  protected target(): HTMLTextAreaElement | HTMLInputElement | null {
    const id = this.getAttribute('for');
    const el = id ? this.ownerDocument.getElementById(id) : null;
    return el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement ? el : null;
  }

  private renderModel(): void {
    const s = this.store?.getState();
    if (!s) return;
    const progress = this.root.querySelector<HTMLElement>('.progress')!;
    progress.hidden = s.status !== 'loading';
    const pct = Math.round(100 * (s.progress ?? 0));
    progress.setAttribute('aria-valuenow', String(pct));
    progress.querySelector<HTMLElement>('.fill')!.style.width = `${pct}%`;
    if (s.status === 'loading') this.setAttribute('state', 'loading');
    if (s.status === 'error') this.fail(`${s.error?.code}: ${s.error?.message}`);
    if (s.status === 'ready') {
      if (this.getAttribute('state') === 'loading') this.setAttribute('state', 'idle');
      this.live?.setClassifier(s.classifier);
    }
  }

  private renderResult(): void {
    const model = this.store?.getState();
    const live = this.live?.getState();
    if (!model || !live || model.status !== 'ready') return;
    const s = classificationState(model, live, this.target()?.value);
    if (s.status !== 'error') this.root.querySelector<HTMLElement>('.message')!.hidden = true;
    if (s.status === 'idle' || s.result?.empty) {
      this.removeAttribute('label');
      this.removeAttribute('uncertain');
      this.setAttribute('state', 'idle');
      this.render(null);
    } else if (s.status === 'pending') {
      this.setAttribute('state', 'pending');
    } else if (s.status === 'error') {
      this.fail(`${s.error?.code ?? 'ERROR'}: ${s.error?.message ?? ''}`);
    } else if (s.status === 'ready' && s.result) {
      this.setAttribute('label', s.result.label ?? '');
      this.toggleAttribute('uncertain', s.result.uncertain);
      this.setAttribute('state', 'done');
      this.render(s.result);
    }
  }

  /** The display locale: `locale`, else the nearest `lang`, else the model's default (null: ids). */
  protected locale(): string | null {
    return displayLocale(this.getAttribute('locale'), this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang, this.store?.getState().info ?? null);
  }

  /** Display names for `locale()`, and what to show for `r` in them. */
  protected describe(r: Classification | null): { names: Record<string, string>; shown: ResultText } {
    const locale = this.locale();
    const names = labelNames(this.store?.getState().info ?? null, locale);
    return { names, shown: describeResult(r, names, locale) };
  }

  /**
   * The explained words of `r` (for `label`'s own contributions in a multi-label result), then their
   * legend, for elements with the `explain` attribute (empty otherwise).
   */
  protected explanationNodes(r: Classification | null, label?: string): Node[] {
    const e = r?.explanation;
    if (!e) return [];
    const locale = this.locale();
    const axis = explanationAxis(e, labelNames(this.store?.getState().info ?? null, locale), locale, label);
    const words = explanationSegments(this.target()?.value ?? '', e, label).map((s) => {
      if (s.contribution === null) return document.createTextNode(s.text);
      const style = contributionStyle(s.contribution, axis);
      const mark = part('mark', 'word', s.text);
      mark.title = style.label;
      mark.setAttribute('aria-label', `${s.text}: ${axis[style.colour]} ${style.label}`);
      mark.dataset.contribution = s.contribution.toFixed(3);
      mark.dataset.colour = style.colour;
      Object.assign(mark.style, { background: style.background, textDecoration: style.textDecoration, color: 'inherit' });
      return mark;
    });
    const p = part('p', 'explanation');
    p.append(...words);
    return [p, part('p', 'legend', axis.legend)];
  }

  /** Shows an error below the result. */
  protected fail(message: string): void {
    this.setAttribute('state', 'error');
    this.render(null);
    const box = this.root.querySelector<HTMLElement>('.message')!;
    box.textContent = message;
    box.hidden = false;
  }
}
