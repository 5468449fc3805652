/**
 * What the Node side of the kit and the in-browser mock worker share: the URLs the kit answers
 * through `route()` and the mock's configuration. Type imports only: the mock worker loads this file too.
 */
import type { KoClassifyErrorCode } from '@ko-classify/core';

/** Every URL the kit answers lives under this path, on whatever origin the page uses. */
export const KIT_PATH = '/__ko-classify-testing__';
/** The module server: `${MODULES_PATH}/<pkg>/<file>` (see modules.ts). */
export const MODULES_PATH = `${KIT_PATH}/m`;
/** The mock worker fetches its rules and labels from here when it loads. */
export const MOCK_CONFIG_PATH = `${KIT_PATH}/mock-config.json`;

/** A mock rule as JSON carries it: a RegExp as its source and flags. */
export interface WireRule {
  match: string | { source: string; flags: string };
  label?: string;
  score?: number;
  scores?: Record<string, number>;
  uncertain?: boolean;
  error?: { code: KoClassifyErrorCode; message?: string; details?: Record<string, unknown> };
}

/** The body of `MOCK_CONFIG_PATH`. */
export interface MockConfig {
  rules: WireRule[];
  labels: string[];
}
