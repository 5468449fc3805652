import { createClassifierStore, createLiveClassification, type ClassifierOptions, type ClassifierStore, type LiveClassification } from '@ko-classify/core';
import { scriptUrl } from './script-url.js';
import { startWorker } from './script-worker.js';

/** One classifier per model for the whole page, however many elements use it. */
const stores = new Map<string, ClassifierStore>();

function storeFor({ workerUrl, ...options }: ClassifierOptions & { workerUrl?: string }): ClassifierStore {
  const key = JSON.stringify({ workerUrl, ...options });
  let store = stores.get(key);
  if (!store) {
    const createWorker = workerUrl ? () => startWorker(workerUrl) : undefined;
    stores.set(key, (store = createClassifierStore({ ...options, ...(createWorker ? { createWorker } : {}) })));
  }
  return store;
}

// A constructable stylesheet, not a <style> element: pages with a strict CSP (style-src 'self')
// block inline <style>, but not stylesheets built through CSSOM.
const CSS = `
  :host { display: block; font: inherit; }
  .progress { height: 4px; background: #e5e7eb; border-radius: 2px; overflow: hidden; margin: 0.25rem 0; }
  .progress .fill { height: 100%; width: 0; background: #3b82f6; }
  .result { display: flex; align-items: center; gap: 0.5rem; min-height: 1.5rem; }
  .label { font-weight: 600; min-width: 5rem; }
  .bar { flex: 1; height: 8px; background: #e5e7eb; border-radius: 4px; overflow: hidden; }
  .bar .fill { display: block; height: 100%; width: 0; background: #6b7280; transition: width 0.15s; }
  :host([label='positive']) .label { color: #15803d; }
  :host([label='positive']) .bar .fill { background: #22c55e; }
  :host([label='negative']) .label { color: #b91c1c; }
  :host([label='negative']) .bar .fill { background: #ef4444; }
  :host([state='pending']) .result { opacity: 0.6; }
  [hidden] { display: none !important; }
`;

let sheet: CSSStyleSheet | null = null;
function styles(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

const TEMPLATE = `
<div class="progress" part="progress" role="progressbar" aria-label="model download" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" hidden><div class="fill"></div></div>
<div class="result" part="result" role="status" aria-live="polite">
  <span class="label" part="label"></span>
  <span class="bar" part="bar" aria-hidden="true"><span class="fill"></span></span>
  <span class="score" part="score"></span>
</div>`;

/**
 * `<ko-sentiment for="review" model="ko-sentiment">` shows the live label and a score bar for the
 * textarea (or input) with id `for`, debounced as the user types, with a download progress bar on
 * first use. Host attributes `state` (loading | idle | pending | done | error) and `label` reflect
 * what it shows, for styling and tests. Attributes: `model` (id or URL), `models-base` (default
 * `<script dir>/models/`), `worker` (worker script URL, default `<script dir>/ko-classify.worker.js`),
 * `wasm-paths` (where the ORT .wasm files are, default beside the worker), `debounce` (ms, 250).
 *
 * @example
 * <textarea id="review"></textarea>
 * <ko-sentiment for="review"></ko-sentiment>
 */
export class KoSentimentElement extends HTMLElement {
  static observedAttributes = ['for', 'model', 'models-base', 'worker', 'wasm-paths', 'debounce'];
  private readonly root: ShadowRoot;
  private cleanup: (() => void)[] = [];
  private store: ClassifierStore | null = null;
  private live: LiveClassification | null = null;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [styles()];
    this.root.innerHTML = TEMPLATE;
  }

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
    const model = this.getAttribute('model') ?? 'ko-sentiment';
    const base = this.getAttribute('models-base') ?? new URL('models/', scriptUrl).href;
    const worker = this.getAttribute('worker');
    const wasmPaths = this.getAttribute('wasm-paths');
    const store = storeFor({
      model,
      modelsBaseUrl: base,
      ...(wasmPaths ? { wasmPaths: new URL(wasmPaths, document.baseURI).href } : {}),
      ...(worker ? { workerUrl: new URL(worker, document.baseURI).href } : {}),
    });
    const live = createLiveClassification({ debounceMs: Number(this.getAttribute('debounce') ?? 250) });
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
      this.show('error', `ko-sentiment: no element with id "${this.getAttribute('for') ?? ''}"`);
    }
    this.renderModel();
  }

  private teardown(): void {
    for (const f of this.cleanup.splice(0)) f();
    this.store = null;
    this.live = null;
  }

  private target(): HTMLTextAreaElement | HTMLInputElement | null {
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
    if (s.status === 'error') this.show('error', `${s.error?.code}: ${s.error?.message}`);
    if (s.status === 'ready') {
      if (this.getAttribute('state') === 'loading') this.setAttribute('state', 'idle');
      this.live?.setClassifier(s.classifier);
    }
  }

  private renderResult(): void {
    const s = this.live?.getState();
    if (!s || this.store?.getState().status !== 'ready') return;
    if (s.status === 'idle') {
      this.removeAttribute('label');
      this.show('idle', '');
    } else if (s.status === 'pending') {
      this.setAttribute('state', 'pending');
    } else if (s.status === 'error') {
      this.show('error', `${s.error?.code ?? 'ERROR'}: ${s.error?.message ?? ''}`);
    } else if (s.status === 'ready' && s.result) {
      this.setAttribute('label', s.result.label);
      this.show('done', s.result.label, s.result.score);
    }
  }

  private show(state: string, label: string, score?: number): void {
    this.setAttribute('state', state);
    this.root.querySelector('.label')!.textContent = label;
    this.root.querySelector('.score')!.textContent = score === undefined ? '' : score.toFixed(2);
    this.root.querySelector<HTMLElement>('.bar .fill')!.style.width = score === undefined ? '0' : `${(score * 100).toFixed(1)}%`;
  }
}
