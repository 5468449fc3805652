import { createClassifier, createLiveClassification, type Classification } from '@ko-classify/core';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = $<HTMLTextAreaElement>('comments');
const list = $<HTMLOListElement>('list');

/** One comment with its categories as chips: Korean names first, the API's label id small. */
function item(text: string, r: Classification): HTMLLIElement {
  const li = document.createElement('li');
  const flagged = r.labels.some((l) => l.label !== 'not_hate_speech');
  li.dataset.flagged = String(flagged);
  li.dataset.labels = r.labels.map((l) => l.label).join(',');
  const chips = document.createElement('span');
  chips.className = 'chips';
  const shown = r.labels.length ? r.labels : [{ label: 'not_hate_speech', score: r.scores.not_hate_speech ?? 0, displayName: '해당사항없음' }];
  for (const l of shown) {
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.dataset.label = l.label;
    chip.title = `${l.label}: ${l.score.toFixed(2)}`;
    chip.append(l.displayName ?? l.label, ' ', Object.assign(document.createElement('small'), { textContent: l.score.toFixed(2) }), ' ', Object.assign(document.createElement('span'), { className: 'id', lang: 'en', textContent: l.label }));
    chips.append(chip);
  }
  li.append(Object.assign(document.createElement('span'), { className: 'text', textContent: text }), chips);
  return li;
}

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
      list.replaceChildren(...s.results.map((r, i) => item(lines[i]!, r)));
      const flagged = s.results.filter((r) => r.labels.some((l) => l.label !== 'not_hate_speech')).length;
      $('summary').textContent = `댓글 ${s.results.length}개 중 ${flagged}개에 혐오 표현이 있을 수 있어요.`;
    } else if (s.status === 'error') {
      $('error').textContent = `${s.error?.code}: ${s.error?.message}`;
    }
  });
  input.addEventListener('input', () => live.setText(input.value.split('\n')));
  const classifier = await createClassifier({
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
