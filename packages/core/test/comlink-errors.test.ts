import { expose, wrap } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { registerErrorTransfer } from '../src/protocol/comlink-errors.js';
import { KoClassifyError } from '../src/errors.js';

describe('error transfer across a Comlink boundary', () => {
  it('keeps class, code and details of KoClassifyError; plain errors still arrive', async () => {
    registerErrorTransfer();
    registerErrorTransfer(); // idempotent
    const { port1, port2 } = new MessageChannel();
    expose(
      {
        typed: () => {
          throw new KoClassifyError('INVALID_INPUT', 'input 3 is a number', { index: 3 });
        },
        plain: () => {
          throw new TypeError('boom');
        },
      },
      port1 as unknown as Parameters<typeof expose>[1],
    );
    const remote = wrap<{ typed(): void; plain(): void }>(port2 as unknown as Parameters<typeof wrap>[0]);
    const typed = await Promise.resolve(remote.typed()).catch((e: unknown) => e);
    expect(typed).toBeInstanceOf(KoClassifyError);
    expect(typed).toMatchObject({ code: 'INVALID_INPUT', message: 'input 3 is a number', details: { index: 3 } });
    const plain = await Promise.resolve(remote.plain()).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(Error);
    expect((plain as Error).message).toBe('boom');
    port1.close();
    port2.close();
  });
});
