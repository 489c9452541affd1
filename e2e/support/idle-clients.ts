/**
 * Clients that hold server resources without doing their part: a viewer that never reads and
 * crowds of idle TCP connections. Plus the process's open-file limit, which such tests need.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { runCommand } from './run-command.js';

/**
 * `GET path` over a raw socket that then never reads: Node stops pulling from the kernel once
 * its 64 KiB readable buffer is full, so the server's socket backs up like a stalled player.
 */
export interface StalledViewer {
  socket: Socket;
  /** Starts reading: resolves with the bytes received in all and how the connection ended. */
  resume(timeoutMs: number): Promise<{ bytes: number; ended: boolean }>;
}

export function stalledHttpViewer(port: number, path: string): Promise<StalledViewer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      resolve({
        socket,
        resume: (timeoutMs) =>
          new Promise((done) => {
            let bytes = 0;
            let ended = false;
            const timer = setTimeout(() => done({ bytes, ended }), timeoutMs);
            socket.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              // The chunked body's last chunk: the server ended the response.
              if (chunk.subarray(-5).toString('latin1') === '0\r\n\r\n') {
                ended = true;
                clearTimeout(timer);
                done({ bytes, ended });
              }
            });
            socket.once('close', () => {
              clearTimeout(timer);
              done({ bytes, ended: true });
            });
            socket.resume();
          }),
      });
    });
    socket.once('error', reject);
  });
}

/** Opens `count` TCP connections in batches (the listen backlog is finite); `hello` per index. */
export async function openIdleConnections(
  port: number,
  count: number,
  hello: (index: number) => Uint8Array | string | undefined,
  batch = 100,
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let start = 0; start < count; start += batch) {
    const opened = await Promise.all(
      Array.from(
        { length: Math.min(batch, count - start) },
        (_, k) =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect({ host: '127.0.0.1', port }, () => {
              socket.off('error', reject);
              socket.on('error', () => undefined);
              const bytes = hello(start + k);
              if (bytes !== undefined) socket.write(bytes);
              resolve(socket);
            });
            socket.once('error', reject);
          }),
      ),
    );
    sockets.push(...opened);
  }
  return sockets;
}

/** The soft limit on open files (`ulimit -n`) children of this process inherit. */
export async function openFileLimit(): Promise<number> {
  const r = await runCommand('sh', ['-c', 'ulimit -n'], { timeoutMs: 5_000 });
  const n = Number(r.stdout.trim());
  return r.stdout.trim() === 'unlimited' ? Number.POSITIVE_INFINITY : n;
}

/**
 * Makes sure this process may open `needed` files: raises the soft limit with util-linux
 * `prlimit` when the hard limit allows; returns the limit in force afterwards.
 */
export async function ensureOpenFileLimit(needed: number): Promise<number> {
  const current = await openFileLimit();
  if (current >= needed) return current;
  await runCommand('prlimit', [`--pid=${process.pid}`, `--nofile=${needed}:`], {
    timeoutMs: 5_000,
  }).catch(() => undefined);
  return openFileLimit();
}
