import { request } from 'node:http';

/**
 * A GET against a sing-box Clash API on 127.0.0.1 with its secret. Plain node:http without a
 * pool: a handful of calls per process (readiness, traffic totals), each its own connection, so
 * nothing stays open once the process is gone.
 */
export function clashGet(
  port: number,
  secret: string,
  path: string,
  timeoutMs = 2_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        headers: { authorization: `Bearer ${secret}` },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('Clash API timed out'), { code: 'TIMEOUT' })),
    );
    req.on('error', reject);
    req.end();
  });
}

export interface CoreTraffic {
  readonly uploadBytes: number;
  readonly downloadBytes: number;
  /** The core's own idea of its heap (Go runtime), bytes. */
  readonly memoryBytes: number;
}

/** Totals since the process started, from GET /connections. */
export async function coreTraffic(port: number, secret: string): Promise<CoreTraffic | undefined> {
  try {
    const { status, body } = await clashGet(port, secret, '/connections');
    if (status !== 200) return undefined;
    const parsed = JSON.parse(body) as { uploadTotal?: unknown; downloadTotal?: unknown; memory?: unknown };
    return {
      uploadBytes: typeof parsed.uploadTotal === 'number' ? parsed.uploadTotal : 0,
      downloadBytes: typeof parsed.downloadTotal === 'number' ? parsed.downloadTotal : 0,
      memoryBytes: typeof parsed.memory === 'number' ? parsed.memory : 0,
    };
  } catch {
    return undefined;
  }
}
