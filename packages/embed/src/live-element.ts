import { classificationState, contributionStyle, createLiveClassification, explanationSegments, pageClassifierStore, type Classification, type ClassifierStore, type LiveClassification } from '@ko-classify/core';
import { scriptUrl } from './script-url.js';
import { workerFactory } from './script-worker.js';

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
  [hidden] { display: none !important; }
`;

const PROGRESS = `<div class="progress" part="progress" role="progressbar" aria-label="model download" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" hidden><div class="fill"></div></div>`;
const MESSAGE = `<div class="message" part="message" role="alert" hidden></div>`;

/**
 * What `<ko-sentiment>` and `<ko-classify>` share: follow the textarea or input with id `for`,
 * classify it live (debounce, latest answer wins), show download progress on first use. Host
 * attributes `state` (loading | idle | pending | done | error) and `label` reflect what is shown.
 * Attributes: `model` (id or URL), `models-base` (default `<script dir>/models/`), `worker` (worker
 * script URL, default `<script dir>/ko-classify.worker.js`), `wasm-paths` (ORT's .wasm folder, default
 * beside the worker), `debounce` (ms, 250), `locale` (label display names, e.g. `ko`), `explain`
 * (show which words moved the label: tinted, underlined solid for / dotted against, with the number).
 */
export abstract class LiveElement extends HTMLElement {
  static observedAttributes = ['for', 'model', 'models-base', 'worker', 'wasm-paths', 'debounce', 'locale', 'explain'];
  protected readonly root: ShadowRoot;
  private cleanup: (() => void)[] = [];
  private store: ClassifierStore | null = null;
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

  connectedCallback(): void {
    this.setup();
  }

  disconnectedCallback(): void {
    this.teardown();
  }

  attributeChangedCallback(): void {
    if (!this.isConnected) return;
    this.teardown();
    this.setup();
  }

  private setup(): void {
    const worker = this.getAttribute('worker');
    const wasmPaths = this.getAttribute('wasm-paths');
    // Core's page-wide store: every element showing the same model (and worker) shares its load and worker.
    const store = pageClassifierStore({
      model: this.getAttribute('model') ?? this.defaultModel,
      modelsBaseUrl: this.getAttribute('models-base') ?? new URL('models/', scriptUrl).href,
      ...(wasmPaths ? { wasmPaths: new URL(wasmPaths, document.baseURI).href } : {}),
      ...(worker ? { createWorker: workerFactory(new URL(worker, document.baseURI).href) } : {}),
    });
    const locale = this.getAttribute('locale');
    const live = createLiveClassification({ debounceMs: Number(this.getAttribute('debounce') ?? 250), ...(locale ? { locale } : {}), ...(this.hasAttribute('explain') ? { explain: true } : {}) });
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
    if (s.status === 'idle') {
      this.removeAttribute('label');
      this.setAttribute('state', 'idle');
      this.render(null);
    } else if (s.status === 'pending') {
      this.setAttribute('state', 'pending');
    } else if (s.status === 'error') {
      this.fail(`${s.error?.code ?? 'ERROR'}: ${s.error?.message ?? ''}`);
    } else if (s.status === 'ready' && s.result) {
      this.setAttribute('label', s.result.label);
      this.setAttribute('state', 'done');
      this.render(s.result);
    }
  }

  /** The explained words of `r`, for elements with the `explain` attribute (empty otherwise). */
  protected explanationNodes(r: Classification | null): Node[] {
    const text = (this.target()?.value ?? '');
    if (!r?.explanation) return [];
    return explanationSegments(text, r.explanation).map((s) => {
      if (s.contribution === null) return document.createTextNode(s.text);
      const style = contributionStyle(s.contribution);
      const mark = Object.assign(document.createElement('mark'), { textContent: s.text, title: style.label });
      mark.setAttribute('part', 'word');
      mark.setAttribute('aria-label', `${s.text} ${style.label}`);
      mark.dataset.contribution = s.contribution.toFixed(3);
      Object.assign(mark.style, { background: style.background, textDecoration: style.textDecoration, color: 'inherit' });
      return mark;
    });
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
