import { defineConfig } from 'vite';
import { koClassify } from '@ko-classify/core/vite';

// A consumer's app: it imports @ko-classify/react through the package's exports (built dist),
// ships the embedded models from the repo's public/ folder, and is served under /react-app/.
export default defineConfig({
  base: '/react-app/',
  publicDir: '../../public',
  plugins: [koClassify()],
  build: { outDir: 'dist', emptyOutDir: true },
});
