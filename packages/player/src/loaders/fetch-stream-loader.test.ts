/** FetchStreamLoader against a real HTTP server (Node 20 has fetch and ReadableStream). */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlayerError } from '../errors.js';
import { FetchStreamLoader } from './fetch-stream-loader.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  return new Promise((resolve) =>
    server?.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server?.address() as AddressInfo).port}/live/s.flv`);
    }),
  );
}

interface Recording {
  bytes: number[];
  ends: number;
  errors: PlayerError[];
  sink: ConstructorParameters<typeof FetchStreamLoader>[1];
}

function record(): Recording {
  const r: Recording = {
    bytes: [],
    ends: 0,
    errors: [],
    sink: {
      onData: (b) => r.bytes.push(...b),
      onEnd: () => r.ends++,
      onError: (e) => r.errors.push(e),
    },
  };
  return r;
}

const settle = (ms = 300): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('FetchStreamLoader', () => {
  it('delivers the body as it streams, then ends exactly once', async () => {
    const url = await serve((_req, res) => {
      res.write(Buffer.from([1, 2, 3]));
      setTimeout(() => res.end(Buffer.from([4, 5])), 50);
    });
    const r = record();
    new FetchStreamLoader(new URL(url), r.sink).start();
    await settle();
    expect(r.bytes).toEqual([1, 2, 3, 4, 5]);
    expect(r.ends).toBe(1);
    expect(r.errors).toEqual([]);
  });

  it('reports an HTTP error status as a NETWORK error, and a refused connection too', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404).end('{"error":"stream not found"}');
    });
    const r = record();
    new FetchStreamLoader(new URL(url), r.sink).start();
    await settle();
    expect(r.errors.map((e) => [e.code, e.fatal])).toEqual([['NETWORK', false]]);
    expect(r.errors[0]?.message).toMatch(/HTTP 404/);
    const refused = record();
    new FetchStreamLoader(new URL('http://127.0.0.1:1/x.flv'), refused.sink).start();
    await settle();
    expect(refused.errors.map((e) => e.code)).toEqual(['NETWORK']);
    expect(r.ends + refused.ends).toBe(0);
  });

  it('says nothing after abort()', async () => {
    const url = await serve((_req, res) => {
      res.write(Buffer.from([1]));
      setTimeout(() => res.write(Buffer.from([2])), 100);
      setTimeout(() => res.end(), 200);
    });
    const r = record();
    const loader = new FetchStreamLoader(new URL(url), r.sink);
    loader.start();
    await settle(50);
    loader.abort();
    await settle();
    expect(r.bytes.length).toBeLessThanOrEqual(1);
    expect(r.ends).toBe(0);
    expect(r.errors).toEqual([]);
  });
});
