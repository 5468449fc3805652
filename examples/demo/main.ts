import { createClassifier, type Classification, type Classifier, type ProgressEvent } from '@ko-classify/core';

declare global {
  interface Window {
    /** Console handle: `await koDemo.classifier.classify('...')`; `koDemo.events` is the load log. */
    koDemo: { classifier: Classifier | null; events: ProgressEvent[] };
  }
}
window.koDemo = { classifier: null, events: [] };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = $<HTMLTextAreaElement>('input');
const output = $<HTMLOutputElement>('result');
const progress = $<HTMLDivElement>('progress');
const params = new URL(location.href).searchParams;

function onProgress(e: ProgressEvent): void {
  window.koDemo.events.push(e);
  const text = $('progress-text');
  if (e.type === 'download' || e.type === 'cached') {
    const pct = e.totalBytes ? Math.round((100 * e.totalLoaded) / e.totalBytes) : 0;
    progress.setAttribute('aria-valuenow', String(pct));
    (progress.firstElementChild as HTMLElement).style.width = `${pct}%`;
    text.textContent = `${e.type === 'cached' ? 'from cache' : 'downloading'} ${e.file} — ${(e.totalLoaded / 1e6).toFixed(1)} MB`;
  } else if (e.type === 'compile') {
    text.textContent = `compiling for ${e.backend} (${e.dtype})…`;
  } else if (e.type === 'warning') {
    console.warn(`[ko-classify] ${e.code}: ${e.message}`);
  }
}

function show(r: Classification): void {
  output.dataset.state = 'done';
  output.dataset.label = r.label;
  $('label').textContent = r.label;
  $('score').textContent = r.score.toFixed(3);
  ($('result').querySelector('.scorebar .fill') as HTMLElement).style.width = `${(r.score * 100).toFixed(1)}%`;
  $('scores').replaceChildren(
    ...Object.entries(r.scores).map(([label, p]) => Object.assign(document.createElement('li'), { textContent: `${label}: ${p.toFixed(4)}` })),
  );
}

async function start(): Promise<void> {
  const t0 = performance.now();
  const classifier = await createClassifier({
    model: params.get('model') ?? 'ko-sentiment',
    backend: (params.get('backend') as 'auto' | 'webgpu' | 'wasm' | null) ?? 'auto',
    dtype: (params.get('dtype') as 'auto' | 'fp32' | 'int8' | null) ?? 'auto',
    onProgress,
  });
  window.koDemo.classifier = classifier;
  const info = classifier.info();
  $('loading').hidden = true;
  $('info').textContent =
    `${info.model} · ${info.backend} · ${info.dtype} · ${info.threads} thread(s)${info.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'} · ` +
    `loaded in ${Math.round(performance.now() - t0)} ms from ${Object.values(info.source).includes('network') ? 'network' : 'cache'}\n` +
    info.backendNotes.join('\n');
  document.body.dataset.ready = 'true';
  input.disabled = false;
  $<HTMLButtonElement>('run-batch').disabled = false;

  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    // Mark the shown result stale at once; the new one arrives after the debounce.
    output.dataset.state = 'pending';
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const id = ++latest;
      const text = input.value;
      if (!text.trim()) {
        output.dataset.state = 'idle';
        return;
      }
      output.dataset.state = 'busy';
      const r = await classifier.classify(text);
      if (id === latest) show(r); // a slower earlier answer never overwrites a newer one
    }, 150);
  });

  $('run-batch').addEventListener('click', async () => {
    const lines = $<HTMLTextAreaElement>('batch').value.split('\n').filter((l) => l.trim());
    const t = performance.now();
    const results = await classifier.classify(lines);
    const ms = performance.now() - t;
    $('batch-summary').textContent = `${results.length} reviews in ${Math.round(ms)} ms (${((1000 * results.length) / ms).toFixed(0)}/s)`;
    $('batch-results').replaceChildren(
      ...results.map((r, i) => {
        const li = Object.assign(document.createElement('li'), { textContent: `${r.label} ${r.score.toFixed(2)} — ${lines[i]}` });
        li.dataset.label = r.label;
        return li;
      }),
    );
  });
}

start().catch((e: unknown) => {
  $('error').textContent = `${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`;
  $('progress-text').textContent = 'failed';
});
