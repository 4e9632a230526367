import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhook, WEBHOOK_ERROR_CODES } from '../../../services/detector/webhook.ts';
import { webhookReceiver } from './intel-fixture.ts';
import type { WebhookReceiver } from './intel-fixture.ts';

describe('webhook (undici) against a receiver on 127.0.0.1', () => {
  let hook: WebhookReceiver | undefined;
  afterEach(async () => {
    await hook?.close();
    hook = undefined;
  });

  it('posts the JSON body and resolves on 2xx', async () => {
    hook = await webhookReceiver(() => 204);
    await createWebhook({ url: hook.url })({ text: 'hello', alert: { kind: 'mirror' } });
    expect(hook.bodies).toEqual([{ text: 'hello', alert: { kind: 'mirror' } }]);
  });

  it('reports 5xx and 429 as retriable and other 4xx as rejected', async () => {
    hook = await webhookReceiver((n) => [503, 429, 400][n] ?? 200);
    const post = createWebhook({ url: hook.url });
    await expect(post({})).rejects.toMatchObject({
      code: WEBHOOK_ERROR_CODES.unavailable,
      retriable: true,
      status: 503,
    });
    await expect(post({})).rejects.toMatchObject({
      code: WEBHOOK_ERROR_CODES.unavailable,
      retriable: true,
      status: 429,
    });
    await expect(post({})).rejects.toMatchObject({
      code: WEBHOOK_ERROR_CODES.rejected,
      retriable: false,
      status: 400,
    });
  });

  it('reports a refused connection and a receiver that never answers as retriable', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await expect(createWebhook({ url: `http://127.0.0.1:${closed}/hook` })({})).rejects.toMatchObject({
      code: WEBHOOK_ERROR_CODES.unavailable,
      retriable: true,
      status: null,
    });

    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await expect(
        createWebhook({ url: `http://127.0.0.1:${port}/hook`, timeoutMs: 300 })({}),
      ).rejects.toMatchObject({
        code: WEBHOOK_ERROR_CODES.unavailable,
        retriable: true,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
