import { createClassifier, createLiveClassification, unsureLabels, type Classification, type ModelInfo } from '@ko-classify/core';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = $<HTMLTextAreaElement>('comments');
const list = $<HTMLOListElement>('list');

/**
 * One comment with its categories as chips: Korean names first, the API's label id small. A label
 * the model is not sure of (within its band of the threshold, either side) gets an amber chip
 * marked 애매함 — a reviewer's cue, not a verdict.
 */
function item(text: string, r: Classification, info: ModelInfo): HTMLLIElement {
  const li = document.createElement('li');
  const flagged = r.labels.some((l) => l.label !== 'not_hate_speech');
  li.dataset.flagged = String(flagged);
  li.dataset.labels = r.labels.map((l) => l.label).join(',');
  li.dataset.uncertain = String(r.uncertain);
  const near = new Map(unsureLabels(r, info).map((n) => [n.label, n.score]));
  const chips = document.createElement('span');
  chips.className = 'chips';
  const names = info.displayNames.ko ?? {};
  const sure = r.labels.length ? r.labels : [{ label: 'not_hate_speech', score: r.scores.not_hate_speech ?? 0, displayName: '해당사항없음' }];
  // Labels near their threshold but under it are shown too, as unsure.
  const under = [...near].filter(([l]) => !sure.some((s) => s.label === l)).map(([label, score]) => ({ label, score, displayName: names[label] }));
  for (const l of [...sure, ...under]) {
    const chip = document.createElement('span');
    chip.className = near.has(l.label) ? 'chip unsure' : 'chip';
    chip.dataset.label = l.label;
    chip.title = `${l.label}: ${l.score.toFixed(2)}`;
    chip.append(l.displayName ?? l.label, ' ', Object.assign(document.createElement('small'), { textContent: l.score.toFixed(2) }), ' ', Object.assign(document.createElement('span'), { className: 'id', lang: 'en', textContent: l.label }));
    if (near.has(l.label)) chip.append(' ', Object.assign(document.createElement('em'), { className: 'unsure-mark', textContent: '애매함' }));
    chips.append(chip);
  }
  li.append(Object.assign(document.createElement('span'), { className: 'text', textContent: text }), chips);
  return li;
}

let classifier: Awaited<ReturnType<typeof createClassifier>>;

async function start(): Promise<void> {
  const live = createLiveClassification({ debounceMs: 200, locale: 'ko' });
  live.subscribe(() => {
    const s = live.getState();
    list.dataset.state = s.status;
    if (s.status === 'idle') {
      list.replaceChildren();
      $('summary').textContent = '';
    } else if (s.status === 'ready' && s.results) {
      const lines = input.value.split('\n').filter((l) => l.trim());
      list.replaceChildren(...s.results.map((r, i) => item(lines[i]!, r, classifier.info())));
      const flagged = s.results.filter((r) => r.labels.some((l) => l.label !== 'not_hate_speech')).length;
      $('summary').textContent = `댓글 ${s.results.length}개 중 ${flagged}개에 혐오 표현이 있을 수 있어요.`;
    } else if (s.status === 'error') {
      $('error').textContent = `${s.error?.code}: ${s.error?.message}`;
    }
  });
  input.addEventListener('input', () => live.setText(input.value.split('\n')));
  classifier = await createClassifier({
    model: 'ko-moderation',
    modelsBaseUrl: `${import.meta.env.BASE_URL}models/`,
    onProgress: (e) => {
      if ((e.type === 'download' || e.type === 'cached') && e.totalBytes) {
        $('progress').setAttribute('aria-valuenow', String(Math.round((100 * e.totalLoaded) / e.totalBytes)));
        $('progress').querySelector<HTMLElement>('.fill')!.style.width = `${(100 * e.totalLoaded) / e.totalBytes}%`;
      }
    },
  });
  $('progress').hidden = true;
  input.disabled = false;
  document.body.dataset.ready = 'true';
  live.setClassifier(classifier);
}

start().catch((e: { code?: string; message: string }) => {
  $('error').textContent = `${e.code ?? 'ERROR'}: ${e.message}`;
});
