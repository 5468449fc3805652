import { useState } from 'react';
import { ClassificationLabel, ExplainedText, useClassification, useClassifier } from '@ko-classify/react';

export function App() {
  const [text, setText] = useState('');
  const model = useClassifier();
  // No locale option: labels follow the page's <html lang="ko"> (ClassificationLabel, ExplainedText).
  const { status, result, error } = useClassification(text, { debounceMs: 150, explain: true });
  const pct = Math.round((model.progress ?? 0) * 100);
  return (
    <main style={{ maxWidth: '40rem', margin: '2rem auto', fontFamily: "system-ui, -apple-system, 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', 'Noto Sans CJK KR', sans-serif" }}>
      <h1>리뷰 감성 분석 (React)</h1>
      {model.status === 'loading' && (
        <div role="progressbar" aria-label="model download" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="progress">
          모델 불러오는 중… {pct}%
        </div>
      )}
      {model.status === 'error' && <p role="alert">{model.error?.code}: {model.error?.message}</p>}
      <label htmlFor="review">리뷰</label>
      <textarea id="review" rows={4} style={{ width: '100%' }} value={text} onChange={(e) => setText(e.target.value)} disabled={model.status !== 'ready'} />
      <p aria-live="polite" data-testid="result" data-status={status} data-label={result?.label ?? ''} data-uncertain={result?.uncertain ? '' : undefined}>
        {status === 'ready' && result ? (
          <>
            <ClassificationLabel result={result} /> {result.uncertain ? null : result.score.toFixed(3)}
          </>
        ) : status === 'error' ? (
          `${error?.code}: ${error?.message}`
        ) : status === 'idle' ? null : (
          status
        )}
      </p>
      {status === 'ready' && <ExplainedText text={text} explanation={result?.explanation} />}
      {model.info && (
        <small data-testid="info">
          {model.info.model} · {model.info.backend} · {model.info.dtype} · {model.info.threads} thread(s)
        </small>
      )}
    </main>
  );
}
