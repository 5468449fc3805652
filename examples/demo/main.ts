import { contributionStyle, createClassifier, createLiveClassification, explanationSegments, type Classification, type Classifier, type ProgressEvent } from '@ko-classify/core';

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

/** Korean first; the API's stable English label is shown beside it, small. */
const KOREAN: Record<string, string> = { positive: '긍정', negative: '부정', none: '없음', offensive: '공격적', hate: '혐오' };
const korean = (label: string) => KOREAN[label] ?? label;

function onProgress(e: ProgressEvent): void {
  window.koDemo.events.push(e);
  const text = $('progress-text');
  if (e.type === 'download' || e.type === 'cached') {
    const pct = e.totalBytes ? Math.round((100 * e.totalLoaded) / e.totalBytes) : 0;
    progress.setAttribute('aria-valuenow', String(pct));
    (progress.firstElementChild as HTMLElement).style.width = `${pct}%`;
    text.textContent = `${e.type === 'cached' ? '저장된 모델 읽는 중' : '모델 내려받는 중'} — ${(e.totalLoaded / 1e6).toFixed(1)} MB`;
  } else if (e.type === 'compile') {
    text.textContent = '모델 준비 중…';
  } else if (e.type === 'warning') {
    console.warn(`[ko-classify] ${e.code}: ${e.message}`);
  }
}

function show(r: Classification | null, state: string): void {
  output.dataset.state = state;
  if (!r) {
    delete output.dataset.label;
    for (const id of ['label', 'api-label', 'score', 'explain', 'why']) $(id).textContent = '';
    (output.querySelector('.scorebar .fill') as HTMLElement).style.width = '0';
    $('scores').replaceChildren();
    return;
  }
  output.dataset.label = r.label;
  $('label').textContent = korean(r.label);
  $('api-label').textContent = r.label;
  $('score').textContent = r.score.toFixed(2);
  $('explain').textContent = `점수 ${r.score.toFixed(2)}: 모델이 이 글을 '${korean(r.label)}'(으)로 볼 확률이에요 (0–1, 높을수록 확신).`;
  (output.querySelector('.scorebar .fill') as HTMLElement).style.width = `${(r.score * 100).toFixed(1)}%`;
  // Which words moved the label: tint + solid (for) or dotted (against) underline + the number.
  $('why').replaceChildren(
    ...(r.explanation ? explanationSegments(input.value, r.explanation) : []).map((s) => {
      if (s.contribution === null) return document.createTextNode(s.text);
      const style = contributionStyle(s.contribution);
      const mark = Object.assign(document.createElement('mark'), { textContent: s.text, title: style.label });
      mark.setAttribute('aria-label', `${s.text} ${style.label}`);
      mark.dataset.contribution = s.contribution.toFixed(3);
      Object.assign(mark.style, { background: style.background, textDecoration: style.textDecoration });
      return mark;
    }),
  );
  $('scores').replaceChildren(...Object.entries(r.scores).map(([label, p]) => Object.assign(document.createElement('li'), { textContent: `${label}: ${p.toFixed(4)}` })));
}

async function start(): Promise<void> {
  const t0 = performance.now();
  const live = createLiveClassification({ debounceMs: 150, explain: true });
  live.subscribe(() => {
    const s = live.getState();
    if (s.status === 'ready') show(s.result, 'done');
    else if (s.status === 'idle') show(null, 'idle');
    else if (s.status === 'error') $('error').textContent = `${s.error?.code}: ${s.error?.message}`;
    else output.dataset.state = 'pending';
  });
  input.addEventListener('input', () => live.setText(input.value));
  const classifier = await createClassifier({
    model: params.get('model') ?? 'ko-sentiment',
    backend: (params.get('backend') as 'auto' | 'webgpu' | 'wasm' | null) ?? 'auto',
    dtype: (params.get('dtype') as 'auto' | 'fp32' | 'int8' | null) ?? 'auto',
    onProgress,
  });
  window.koDemo.classifier = classifier;
  live.setClassifier(classifier);
  const info = classifier.info();
  $('loading').hidden = true;
  const from = Object.values(info.source).includes('network') ? 'network' : 'cache';
  $('info').textContent =
    `${info.model} · ${info.backend} · ${info.dtype} · ${info.threads} thread(s)${info.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'} · ` +
    `loaded from ${from} in ${Math.round(performance.now() - t0)} ms\n${info.backendNotes.join('\n')}`;
  document.body.dataset.ready = 'true';
  input.disabled = false;
  $<HTMLButtonElement>('run-batch').disabled = false;

  $('run-batch').addEventListener('click', async () => {
    const lines = $<HTMLTextAreaElement>('batch').value.split('\n').filter((l) => l.trim());
    const t = performance.now();
    const results = await classifier.classify(lines);
    const ms = performance.now() - t;
    $('batch-summary').textContent = `리뷰 ${results.length}개, ${Math.round(ms)} ms (초당 ${((1000 * results.length) / ms).toFixed(0)}개)`;
    $('batch-results').replaceChildren(
      ...results.map((r, i) => {
        const li = document.createElement('li');
        li.dataset.label = r.label;
        li.append(Object.assign(document.createElement('b'), { textContent: `${korean(r.label)} ${r.score.toFixed(2)}` }), ` — ${lines[i]}`);
        return li;
      }),
    );
  });
}

start().catch((e: unknown) => {
  $('error').textContent = `${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`;
  $('progress-text').textContent = '불러오지 못했어요';
});
