import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ClassifierProvider } from '@ko-classify/react';
import { App } from './App.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClassifierProvider options={{ model: 'ko-sentiment', modelsBaseUrl: `${import.meta.env.BASE_URL}models/` }}>
      <App />
    </ClassifierProvider>
  </StrictMode>,
);
