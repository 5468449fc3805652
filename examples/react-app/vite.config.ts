import { defineConfig } from 'vite';
import { koClassify } from '@ko-classify/core/vite';

// A consumer's app: it imports @ko-classify/react through the package's exports (built dist), gets
// the model from its npm package (@ko-classify/model-ko-sentiment) through the plugin, and is served
// under /react-app/.
export default defineConfig({
  base: '/react-app/',
  plugins: [koClassify({ models: ['ko-sentiment'] })],
  build: { outDir: 'dist', emptyOutDir: true },
});
