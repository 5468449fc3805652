// Exposes the real @ko-classify/core package (as a consumer imports it) to Playwright tests.
import * as koClassify from '@ko-classify/core';

declare global {
  interface Window {
    koClassify: typeof koClassify;
  }
}

window.koClassify = koClassify;
document.getElementById('status')!.textContent = 'ready';
