import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ClassifierProvider, useClassification, useClassifier } from '../src/index.js';

function Probe() {
  const model = useClassifier();
  const q = useClassification('서버에서는 분류하지 않습니다');
  return createElement('p', null, `${model.status}/${q.status}`);
}

describe('server rendering', () => {
  it('renders idle state and never creates a worker on the server', () => {
    const before = (globalThis as { Worker?: unknown }).Worker;
    let constructed = 0;
    (globalThis as { Worker?: unknown }).Worker = class {
      constructor() {
        constructed++;
      }
    };
    try {
      const html = renderToString(createElement(ClassifierProvider, { options: { model: 'ko-sentiment' } }, createElement(Probe)));
      expect(html).toContain('idle/loading');
      expect(constructed).toBe(0);
    } finally {
      (globalThis as { Worker?: unknown }).Worker = before;
    }
  });

  it('hooks outside a provider fail with a clear message', () => {
    expect(() => renderToString(createElement(Probe))).toThrow(/inside <ClassifierProvider>/);
  });
});
