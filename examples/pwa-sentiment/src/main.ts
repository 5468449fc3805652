import { createClassifier, createLiveClassification, type Classification } from '@ko-classify/core';
import { registerSW } from 'virtual:pwa-register';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const review = $<HTMLTextAreaElement>('review');
const widget = $('widget');

function showNetwork(): void {
  $('net').dataset.online = String(navigator.onLine);
  $('net').textContent = navigator.onLine ? '온라인' : '오프라인';
}
addEventListener('online', showNetwork);
addEventListener('offline', showNetwork);
showNetwork();

registerSW({
  immediate: true,
  onOfflineReady() {
    $('offline-ready').hidden = false;
  },
});
// Also true on later visits, when the service worker is already in control.
void navigator.serviceWorker?.ready.then(() => ($('offline-ready').hidden = false));

function show(r: Classification): void {
  if (r.label === null) return clear();
  widget.dataset.state = 'done';
  widget.dataset.label = r.label;
  widget.toggleAttribute('data-uncertain', r.uncertain);
  const name = r.label === 'positive' ? '긍정' : r.label === 'negative' ? '부정' : r.label;
  // Not sure: say so, with the side it leans to, rather than a confident label.
  $('label').textContent = r.uncertain ? `애매함 (${name} 쪽)` : r.label === 'positive' ? '긍정 😊' : r.label === 'negative' ? '부정 😞' : r.label;
  $('score').textContent = r.score.toFixed(2);
  widget.querySelector<HTMLElement>('.meter .fill')!.style.width = `${(r.score * 100).toFixed(0)}%`;
  $('hint').textContent = r.label === 'negative' && !r.uncertain && r.score > 0.9 ? '꽤 부정적인 리뷰네요. 구체적인 이유를 적어 주면 더 도움이 돼요.' : '';
}

/** Empty or whitespace-only text shows no label. */
function clear(): void {
  widget.dataset.state = 'idle';
  delete widget.dataset.label;
  widget.removeAttribute('data-uncertain');
  $('label').textContent = '—';
  $('score').textContent = '';
  $('hint').textContent = '';
  widget.querySelector<HTMLElement>('.meter .fill')!.style.width = '0';
}

async function start(): Promise<void> {
  const classifier = await createClassifier({
    model: 'ko-sentiment',
    modelsBaseUrl: `${import.meta.env.BASE_URL}models/`,
    onProgress: (e) => {
      if ((e.type === 'download' || e.type === 'cached') && e.totalBytes) {
        const pct = Math.round((100 * e.totalLoaded) / e.totalBytes);
        $('progress').setAttribute('aria-valuenow', String(pct));
        $('progress').querySelector<HTMLElement>('.fill')!.style.width = `${pct}%`;
      }
    },
  });
  $('progress').hidden = true;
  clear();
  widget.dataset.backend = classifier.info().backend;
  review.disabled = false;
  const live = createLiveClassification({ debounceMs: 200 });
  live.subscribe(() => {
    const { status, result } = live.getState();
    if (status === 'ready' && result) show(result);
    else if (status === 'idle') clear();
    else widget.dataset.state = status;
  });
  live.setClassifier(classifier);
  review.addEventListener('input', () => live.setText(review.value));
}

start().catch((e: { code?: string; message: string }) => {
  widget.dataset.state = 'error';
  $('error').textContent = `${e.code ?? 'ERROR'}: ${e.message}`;
});
