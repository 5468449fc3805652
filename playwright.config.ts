import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4321);

function launch(extra: string[]) {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      // Root (CI, containers) cannot use Chromium's sandbox.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extra,
    ],
  };
}

/**
 * Browser tests (real Worker, IndexedDB, WASM) and e2e over the built site, in Debian's Chromium
 * (`npx playwright install` cannot download browsers here; scripts/bootstrap.mjs installs it).
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
  },
  projects: [
    { name: 'chromium', testIgnore: '**/*.webgpu.spec.ts', use: { launchOptions: launch([]) } },
    // SwiftShader's software WebGPU adapter: for correctness, never for speed.
    { name: 'webgpu', testMatch: '**/*.webgpu.spec.ts', use: { launchOptions: launch(['--enable-unsafe-webgpu']) } },
  ],
  webServer: {
    command: `node e2e/server.mjs ${port}`,
    url: `http://127.0.0.1:${port}/__log`,
    reuseExistingServer: !process.env.CI,
  },
});
