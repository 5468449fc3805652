import { transferHandlers, type TransferHandler } from 'comlink';
import { KoClassifyError, type KoClassifyErrorCode } from '../errors.js';

interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

/** How a KoClassifyError crosses the worker boundary (what a mock worker must send to be read back as one). */
export interface WireError {
  name: typeof WIRE_ERROR_NAME;
  message: string;
  stack?: string;
  code: KoClassifyErrorCode;
  details: Record<string, unknown>;
}

const MARK = Symbol.for('ko-classify.error-transfer');

/** The `name` a wire error carries. */
export const WIRE_ERROR_NAME = 'KoClassifyError';

/** The wire form of a KoClassifyError code and message (a mock worker throws `{ isError, value }` with it). */
export function toWireError(code: KoClassifyErrorCode, message: string, details: Record<string, unknown> = {}): WireError {
  return { name: WIRE_ERROR_NAME, message, code, details };
}

/**
 * Comlink's built-in "throw" handler copies only name/message/stack, so `code` would be lost at
 * the worker boundary. This wraps it (keeping its private `canHandle`) to carry KoClassifyError
 * whole. Both sides must register it; registering twice is a no-op.
 */
export function registerErrorTransfer(): void {
  const base = transferHandlers.get('throw') as (TransferHandler<unknown, SerializedThrow> & { [MARK]?: true }) | undefined;
  if (!base || base[MARK]) return;
  const handler: TransferHandler<unknown, SerializedThrow> & { [MARK]: true } = {
    [MARK]: true,
    canHandle: base.canHandle,
    serialize(thrown) {
      const value = (thrown as { value: unknown }).value;
      if (value instanceof KoClassifyError) {
        const wire: WireError = { ...toWireError(value.code, value.message, { ...value.details }), stack: value.stack };
        return [{ isError: true, value: wire }, []];
      }
      return base.serialize(thrown);
    },
    deserialize(s) {
      const v = s.value as Partial<WireError> | null;
      if (s.isError && v?.name === WIRE_ERROR_NAME && typeof v.code === 'string') {
        const e = new KoClassifyError(v.code, v.message ?? '', v.details ?? {});
        if (v.stack) e.stack = v.stack;
        throw e;
      }
      return base.deserialize(s);
    },
  };
  transferHandlers.set('throw', handler);
}
