import { contributionStyle, createClassifier, createLiveClassification, describeResult, displayLocale, explanationAxis, explanationSegments, labelNames, type Classification, type Classifier, type ProgressEvent } from '@ko-classify/core';

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

/**
 * Korean first (the page's lang, else the model's default locale, in the model's own display names);
 * the API's stable label id is shown beside it, small.
 */
const locale = () => displayLocale(null, document.documentElement.lang, window.koDemo.classifier?.info() ?? null);
const names = () => labelNames(window.koDemo.classifier?.info() ?? null, locale());
/** 으로 after a final consonant other than ㄹ (긍정으로, 혐오로, 외모차별로), 로 otherwise. */
const euro = (word: string) => {
  const c = word.charCodeAt(word.length - 1) - 0xac00;
  return c >= 0 && c < 11172 && c % 28 !== 0 && c % 28 !== 8 ? '으로' : '로';
};

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
  const shown = describeResult(r, names(), locale());
  if (!r || shown.kind === 'empty') {
    delete output.dataset.label;
    delete output.dataset.uncertain;
    for (const id of ['label', 'api-label', 'score', 'explain', 'why', 'legend']) $(id).textContent = '';
    (output.querySelector('.scorebar .fill') as HTMLElement).style.width = '0';
    $('scores').replaceChildren();
    return;
  }
  const name = names()[r.label!] ?? r.label!;
  output.dataset.label = r.label!;
  if (r.uncertain) output.dataset.uncertain = '';
  else delete output.dataset.uncertain;
  $('label').textContent = shown.text;
  $('api-label').textContent = r.label!;
  $('score').textContent = r.uncertain ? '' : r.score.toFixed(2);
  $('explain').textContent = r.uncertain
    ? `모델이 확신하지 못해요. '${name}' 쪽으로 조금 기울었을 뿐이에요 ('${name}'일 확률 ${r.score.toFixed(2)}).`
    : `점수 ${r.score.toFixed(2)}: 모델이 이 글을 '${name}'${euro(name)} 볼 확률이에요 (0–1, 높을수록 확신).`;
  (output.querySelector('.scorebar .fill') as HTMLElement).style.width = `${(r.score * 100).toFixed(1)}%`;
  // Which words pushed which way: green toward the positive side, red toward the negative, whatever
  // the label; a solid or dotted underline too, the log-odds number in title and aria-label.
  const axis = r.explanation ? explanationAxis(r.explanation, names(), locale()) : null;
  $('why').replaceChildren(
    ...(r.explanation && axis ? explanationSegments(input.value, r.explanation) : []).map((s) => {
      if (s.contribution === null) return document.createTextNode(s.text);
      const style = contributionStyle(s.contribution, axis!);
      const mark = Object.assign(document.createElement('mark'), { textContent: s.text, title: style.label });
      mark.setAttribute('aria-label', `${s.text}: ${axis![style.colour]} 쪽 ${style.label}`);
      mark.dataset.contribution = s.contribution.toFixed(3);
      mark.dataset.colour = style.colour;
      Object.assign(mark.style, { background: style.background, textDecoration: style.textDecoration });
      return mark;
    }),
  );
  $('legend').textContent = axis ? `${axis.legend}. 숫자는 그 단어가 있을 때와 없을 때의 로그 오즈 차이예요.` : '';
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
        const shown = describeResult(r, names(), locale());
        li.dataset.label = r.label ?? '';
        if (r.uncertain) li.dataset.uncertain = '';
        li.append(Object.assign(document.createElement('b'), { textContent: shown.kind === 'uncertain' ? shown.text : `${shown.text} ${r.score.toFixed(2)}` }), ` — ${lines[i]}`);
        return li;
      }),
    );
  });
}

start().catch((e: unknown) => {
  $('error').textContent = `${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`;
  $('progress-text').textContent = '불러오지 못했어요';
});
