import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ChdbEngine, EngineResult } from './chdb-engine.ts';
import { failureBody, failureFromEngine, shimFailure, type ClickHouseFailure } from './clickhouse-failure.ts';
import { toFileInsert } from './file-insert.ts';
import { decodeBody, encodeBody, pickResponseCoding, toContentCoding } from './http-encoding.ts';
import { toHttpQueryAction } from './http-query.ts';

export interface ShimServerOptions {
  readonly engine: ChdbEngine;
  /** Largest request body accepted, before and after decompression. */
  readonly maxBodyBytes: number;
  /** Queries running at once; more are refused (TOO_MANY_SIMULTANEOUS_QUERIES), not queued. */
  readonly maxConcurrentQueries: number;
  readonly logger: Logger;
}

/**
 * The subset of ClickHouse's HTTP interface that @clickhouse/client (and curl) use, in front of
 * the chDB engine. It translates and nothing more: the engine parses and runs all SQL.
 */
export function createShimServer({
  engine,
  maxBodyBytes,
  maxConcurrentQueries,
  logger,
}: ShimServerOptions): Server {
  let running = 0;

  function sendFailure(res: ServerResponse, failure: ClickHouseFailure, queryId?: string): void {
    const body = Buffer.from(failureBody(failure, engine.version));
    res.writeHead(failure.status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Length': body.byteLength,
      'X-ClickHouse-Exception-Code': String(failure.code),
      ...(queryId === undefined ? {} : { 'X-ClickHouse-Query-Id': queryId }),
    });
    res.end(body);
  }

  /** The whole body, or undefined once it passes maxBodyBytes (the rest is left unread). */
  function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.byteLength;
        if (size > maxBodyBytes) {
          // Stop reading without destroying the socket, so the 413 still reaches the client.
          req.off('data', onData);
          req.pause();
          resolve(undefined);
          return;
        }
        chunks.push(chunk);
      };
      req.on('data', onData);
      req.once('end', () => resolve(Buffer.concat(chunks, size)));
      req.once('error', reject);
    });
  }

  async function decodedRequest(
    req: IncomingMessage,
  ): Promise<{ body: string; formFields?: Map<string, string> } | { raw: Buffer } | ClickHouseFailure> {
    if (req.method !== 'POST') return { body: '' };
    let raw = await readBody(req);
    if (raw === undefined) {
      return shimFailure(
        'LIMIT_EXCEEDED',
        `Request body is larger than the shim's limit of ${maxBodyBytes} bytes`,
      );
    }
    const coding = toContentCoding(req.headers['content-encoding']);
    if (coding === undefined) {
      return shimFailure(
        'UNKNOWN_COMPRESSION_METHOD',
        `Unknown Content-Encoding ${String(req.headers['content-encoding'])}`,
      );
    }
    if (coding !== 'identity') {
      try {
        raw = await decodeBody(raw, coding, maxBodyBytes);
      } catch (error) {
        if (error instanceof RangeError) {
          return shimFailure(
            'LIMIT_EXCEEDED',
            `Decompressed request body exceeds the shim's limit of ${maxBodyBytes} bytes`,
          );
        }
        return shimFailure(
          'CANNOT_DECOMPRESS',
          `Cannot decode ${coding} request body: ${(error as Error).message}`,
        );
      }
    }
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.toLowerCase().startsWith('multipart/form-data')) {
      // @clickhouse/client sends long query parameters as form fields; the platform parses them.
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      const formFields = new Map<string, string>();
      let body = '';
      for (const [name, value] of form) {
        if (typeof value !== 'string') continue;
        if (name === 'query') body = value;
        else formFields.set(name, value);
      }
      return { body, formFields };
    }
    return { raw };
  }

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    queryId: string,
    result: EngineResult,
    compress: boolean,
  ): Promise<void> {
    const summary = {
      read_rows: String(result.rowsRead),
      read_bytes: String(result.bytesRead),
      written_rows: '0',
      written_bytes: '0',
      total_rows_to_read: '0',
      result_rows: '0',
      result_bytes: String(result.body.byteLength),
      elapsed_ns: String(Math.round(result.elapsedSeconds * 1e9)),
    };
    const coding = compress ? pickResponseCoding(req.headers['accept-encoding']) : undefined;
    const body = coding === undefined ? result.body : await encodeBody(result.body, coding);
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Length': body.byteLength,
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Timezone': engine.timezone,
      'X-ClickHouse-Server-Display-Name': 'clickhouse-local',
      'X-ClickHouse-Summary': JSON.stringify(summary),
      ...(coding === undefined ? {} : { 'Content-Encoding': coding }),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const received = await decodedRequest(req);
    if ('status' in received) {
      // The rest of an oversized body is never read; close rather than drain it.
      res.setHeader('Connection', 'close');
      sendFailure(res, received);
      return;
    }
    // An insert's data (URL statement, body of rows) goes to the engine as a file; any other
    // body is SQL text, or data the engine takes inline after the statement.
    const fileInsert =
      'raw' in received && received.raw.byteLength > 0
        ? toFileInsert(url.searchParams.get('query') ?? '')
        : null;
    const decoded =
      'raw' in received ? { body: fileInsert === null ? received.raw.toString('utf8') : '' } : received;
    const action = toHttpQueryAction(
      {
        method: req.method ?? 'GET',
        pathname: url.pathname,
        search: url.searchParams,
        headers: req.headers,
        ...decoded,
      },
      randomUUID,
    );
    if (action.kind === 'ok') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': 4 });
      res.end(req.method === 'HEAD' ? undefined : 'Ok.\n');
      return;
    }
    if (action.kind === 'fail') {
      sendFailure(res, action.failure);
      return;
    }
    if (running >= maxConcurrentQueries) {
      sendFailure(
        res,
        shimFailure(
          'TOO_MANY_SIMULTANEOUS_QUERIES',
          `Too many simultaneous queries. Maximum: ${maxConcurrentQueries}`,
        ),
        action.queryId,
      );
      return;
    }
    running += 1;
    let result: EngineResult;
    try {
      result =
        fileInsert === null || !('raw' in received)
          ? await engine.execute(action)
          : await engine.insertFromFile({ prelude: action.prelude, insert: fileInsert, data: received.raw });
    } catch (error) {
      const failure = failureFromEngine(error);
      logger.debug({ queryId: action.queryId, code: failure.code, status: failure.status }, 'query failed');
      sendFailure(res, failure, action.queryId);
      return;
    } finally {
      running -= 1;
    }
    await respond(req, res, action.queryId, result, action.compressResponse);
    logger.debug({ queryId: action.queryId, ms: Math.round(performance.now() - started) }, 'query done');
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'request handling failed');
      if (!res.headersSent) sendFailure(res, failureFromEngine(error));
      else res.destroy();
    });
  });
}
