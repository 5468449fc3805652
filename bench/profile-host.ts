/** Runs bench/profile-worker.ts in a fresh Worker per variant (ORT's thread count is fixed per worker). */
import { askOnce } from './common.js';
import type { ProfileRequest, ProfileResult } from './profile-worker.js';

declare global {
  interface Window {
    profile(req: ProfileRequest): Promise<ProfileResult>;
  }
}

window.profile = (req) => askOnce<ProfileResult>(new Worker(new URL('./profile-worker.ts', import.meta.url), { type: 'module' }), req, 'profile');
