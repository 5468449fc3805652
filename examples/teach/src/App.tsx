import { useEffect, useState, useSyncExternalStore } from 'react';
import { ClassificationLabel, useClassification, useClassifier, useTeach, type HeadJson } from '@ko-classify/react';
import { HEAD_NAME, loadDrafts, saveDrafts, toExamples, type LabelDraft } from './drafts.js';

const onNetwork = (f: () => void) => {
  addEventListener('online', f);
  addEventListener('offline', f);
  return () => {
    removeEventListener('online', f);
    removeEventListener('offline', f);
  };
};

const percent = (x: number) => `${Math.round(x * 100)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}초`;

/** What a head says about its training (labels, examples, cross-validated accuracy, time), and the head as a file. */
function HeadSummary({ head, took }: { head: HeadJson; took: number | null }) {
  const { trained } = head;
  // Made and revoked in one effect (StrictMode runs effects twice in dev: a memoised URL would be revoked).
  const [file, setFile] = useState<string | undefined>();
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(head, null, 2)], { type: 'application/json' }));
    setFile(url);
    return () => URL.revokeObjectURL(url);
  }, [head]);
  return (
    <p id="taught" data-labels={head.labels.join(',')}>
      <strong>배운 라벨:</strong> {head.labels.join(' · ')}
      <br />
      예문 {trained.examples}개 · 교차검증 정확도 <span id="cv">{trained.cvAccuracy === null ? '— (예문이 너무 적어요)' : percent(trained.cvAccuracy)}</span> · 가르치는 데 <span id="took">{seconds(took ?? trained.ms)}</span>
      <br />
      {/* The same head for `ko-classify classify --head` or <ko-classify head-src>. */}
      <a id="export" href={file} download={`${HEAD_NAME}.head.json`}>
        head.json 내려받기
      </a>
    </p>
  );
}

export function App() {
  const [initial] = useState(loadDrafts);
  const [drafts, setDrafts] = useState<LabelDraft[]>(initial.drafts);
  // The examples the saved head was taught from, to say when the drafts have changed since.
  const [taughtFrom, setTaughtFrom] = useState<string | null>(initial.taught);
  const [took, setTook] = useState<number | null>(null);
  const [text, setText] = useState('');
  // The label whose name input takes the focus when it appears (the one just added).
  const [focusLabel, setFocusLabel] = useState(-1);
  const online = useSyncExternalStore(onNetwork, () => navigator.onLine, () => true);
  const model = useClassifier();
  const { teach, status, head, error } = useTeach();
  const { status: shown, result } = useClassification(text, { debounceMs: 150 });
  useEffect(() => saveDrafts(drafts, taughtFrom), [drafts, taughtFrom]);

  const examples = toExamples(drafts);
  const signature = JSON.stringify(examples);
  const edit = (i: number, patch: Partial<LabelDraft>) => setDrafts(drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  const onTeach = async () => {
    const t0 = performance.now();
    if (await teach(examples, { name: HEAD_NAME, save: true })) {
      setTook(performance.now() - t0);
      setTaughtFrom(signature);
    }
  };

  return (
    <main>
      <header>
        <h1>내 라벨 가르치기</h1>
        <span id="net" className="badge" data-online={online}>
          {online ? '온라인' : '오프라인'}
        </span>
      </header>
      <p className="lead">라벨마다 예문을 두세 개 적고 <b>가르치기</b>를 누르세요. 문장 임베딩 모델(ko-sentence) 위에서 이 브라우저 안에서만 배우고, 이 기기에 저장해요.</p>
      {status === 'loading' && (
        <div id="progress" role="progressbar" aria-label="model download" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((model.progress ?? 0) * 100)}>
          <div className="fill" style={{ width: percent(model.progress ?? 0) }} />
        </div>
      )}

      <section id="labels" aria-label="라벨과 예문">
        {drafts.map((d, i) => (
          <fieldset key={i} className="label">
            <legend className="visually-hidden">{`라벨 ${i + 1}`}</legend>
            <div className="label-head">
              <input autoFocus={i === focusLabel} aria-label={`라벨 ${i + 1} 이름`} value={d.name} placeholder="라벨 이름" onChange={(e) => edit(i, { name: e.target.value })} />
              <button type="button" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))} disabled={drafts.length <= 2} aria-label={`${d.name || `라벨 ${i + 1}`} 지우기`}>
                지우기
              </button>
            </div>
            <textarea aria-label={`${d.name || `라벨 ${i + 1}`} 예문`} rows={4} value={d.examples} placeholder="한 줄에 예문 하나" onChange={(e) => edit(i, { examples: e.target.value })} />
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() => {
            setFocusLabel(drafts.length);
            setDrafts([...drafts, { name: '', examples: '' }]);
          }}
        >
          라벨 추가
        </button>
      </section>

      <div className="teach">
        <button type="button" id="teach" className="primary" onClick={() => void onTeach()} disabled={status === 'loading' || status === 'teaching' || status === 'error'}>
          {status === 'teaching' ? '가르치는 중…' : '가르치기'}
        </button>
        {head && taughtFrom !== null && taughtFrom !== signature && <span className="hint">예문을 바꿨어요: 다시 가르쳐야 반영돼요.</span>}
      </div>
      <div role="status" aria-live="polite">
        {head ? <HeadSummary head={head} took={took} /> : status === 'idle' && <p className="hint">아직 배운 라벨이 없어요.</p>}
      </div>
      {error && (
        <p id="error" role="alert">
          {error.code === 'HEAD_MISMATCH' ? '저장된 라벨은 다른 모델로 배운 것이라 쓸 수 없어요. 가르치기를 다시 눌러 주세요. ' : ''}
          {error.code}: {error.message}
        </p>
      )}

      <label htmlFor="try">새 문장을 써 보세요</label>
      <textarea id="try" rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder="택배가 일주일째 안 와요" disabled={!head} />
      <p id="result" aria-live="polite" aria-busy={shown === 'pending'} data-status={shown} data-label={result?.label ?? ''} data-uncertain={result?.uncertain ? '' : undefined}>
        {!head ? '먼저 가르쳐 주세요.' : shown === 'ready' && result ? <ClassificationLabel result={result} /> : shown === 'idle' ? '—' : '…'}
        {shown === 'ready' && result && !result.uncertain && <span id="score"> {result.score.toFixed(2)}</span>}
      </p>
      {shown === 'ready' && result?.label && (
        <ul className="scores" aria-label="라벨별 점수">
          {Object.entries(result.scores)
            .sort((a, b) => b[1] - a[1])
            .map(([label, score]) => (
              <li key={label} data-label={label}>
                <span className="name">{label}</span>
                <span className="meter">
                  <span className="fill" style={{ width: percent(score) }} />
                </span>
                <span className="value">{score.toFixed(2)}</span>
              </li>
            ))}
        </ul>
      )}
    </main>
  );
}
