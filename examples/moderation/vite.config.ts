import { defineConfig } from 'vite';
import { koClassify } from '@ko-classify/core/vite';

// A comment-moderation page: ko-moderation (multi-label K-MHaS categories) from its npm package,
// served under /moderation/.
export default defineConfig({
  base: '/moderation/',
  plugins: [koClassify({ models: ['ko-moderation'] })],
  build: { outDir: 'dist', emptyOutDir: true },
});
