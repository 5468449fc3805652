/** Runs bench/profile-worker.ts in a fresh Worker per variant (ORT's thread count is fixed per worker). */
import type { ProfileRequest, ProfileResult } from './profile-worker.js';

declare global {
  interface Window {
    profile(req: ProfileRequest): Promise<ProfileResult>;
  }
}

window.profile = (req) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./profile-worker.ts', import.meta.url), { type: 'module' });
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`profile worker failed: ${e.message}`));
    };
    worker.onmessage = ({ data }: MessageEvent<{ result?: ProfileResult; error?: string }>) => {
      worker.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve(data.result!);
    };
    worker.postMessage(req);
  });
