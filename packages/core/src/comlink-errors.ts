import { transferHandlers, type TransferHandler } from 'comlink';
import { KoClassifyError, type KoClassifyErrorCode } from './errors.js';

interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

interface WireError {
  name: string;
  message: string;
  stack?: string;
  code: KoClassifyErrorCode;
  details: Record<string, unknown>;
}

const MARK = Symbol.for('ko-classify.error-transfer');

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
        const wire: WireError = { name: value.name, message: value.message, stack: value.stack, code: value.code, details: { ...value.details } };
        return [{ isError: true, value: wire }, []];
      }
      return base.serialize(thrown);
    },
    deserialize(s) {
      const v = s.value as Partial<WireError> | null;
      if (s.isError && v?.name === 'KoClassifyError' && typeof v.code === 'string') {
        const e = new KoClassifyError(v.code, v.message ?? '', v.details ?? {});
        if (v.stack) e.stack = v.stack;
        throw e;
      }
      return base.deserialize(s);
    },
  };
  transferHandlers.set('throw', handler);
}
