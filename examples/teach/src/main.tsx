import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import { ClassifierProvider } from '@ko-classify/react';
import { App } from './App.js';
import { HEAD_NAME } from './drafts.js';

// The service worker keeps the page and the runtime for offline visits; the worker keeps the encoder.
registerSW({ immediate: true });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* head: the name the taught head is saved under, so the next visit classifies with it at once. */}
    <ClassifierProvider options={{ model: 'ko-sentence', modelsBaseUrl: `${import.meta.env.BASE_URL}models/` }} head={HEAD_NAME}>
      <App />
    </ClassifierProvider>
  </StrictMode>,
);
