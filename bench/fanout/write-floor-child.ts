/**
 * Server side of the write floor (write-floor.ts): accepts loopback connections and, between
 * `start` and `halt`, writes one shared buffer to every connection `writesPerSecond` times a
 * second and does nothing else, so its CPU is what those writes alone cost.
 * argv: <socket|syscall>
 *   socket:  socket.write(buffer), Node's public path (net.Socket -> libuv), which any Node
 *            server's write goes through at the least;
 *   syscall: fs.writeSync on the socket's file descriptor, i.e. write(2) with next to no user
 *            space around it (reads the handle's fd, a Node internal: bench use only).
 */
import { writeSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { hasType } from './ipc-messages.js';
import type { FloorReply, FloorRequest } from './ipc-messages.js';

type Mode = 'socket' | 'syscall';

function send(reply: FloorReply): void {
  process.send?.(reply);
}

function descriptor(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
  const fd = handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('socket has no file descriptor');
  return fd;
}

function writer(mode: Mode, sockets: readonly Socket[], bytes: Buffer): () => number {
  if (mode === 'socket') {
    return () => {
      for (const socket of sockets) socket.write(bytes);
      return sockets.length;
    };
  }
  const fds = sockets.map(descriptor);
  return () => {
    let done = 0;
    for (const fd of fds) {
      try {
        writeSync(fd, bytes);
        done += 1;
      } catch {
        // EAGAIN: the reader fell behind and the kernel buffer is full; skip this one.
      }
    }
    return done;
  };
}

function main(): void {
  const mode = process.argv[2];
  if (mode !== 'socket' && mode !== 'syscall') throw new Error(`unknown mode '${String(mode)}'`);
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writes = 0;
  let skipped = 0;
  process.on('message', (message: unknown) => {
    if (!hasType(message)) return;
    const request = message as FloorRequest;
    if (request.type === 'start') {
      // The reader's connects can complete before this side has accepted them all.
      const begin = (): void => {
        if (sockets.length < request.connections) {
          setTimeout(begin, 10);
          return;
        }
        const write = writer(mode, sockets, Buffer.alloc(request.bytesPerWrite, 0x5a));
        const periodMs = 1000 / request.writesPerSecond;
        let due = performance.now();
        const tick = (): void => {
          const done = write();
          writes += done;
          skipped += sockets.length - done;
          due += periodMs;
          timer = setTimeout(tick, Math.max(0, due - performance.now()));
        };
        tick();
        send({ type: 'started', connections: sockets.length });
      };
      begin();
    } else if (request.type === 'halt') {
      clearTimeout(timer);
      send({ type: 'halted', writes, skipped });
    } else if (request.type === 'stop') {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      server.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    send({ type: 'ready', port });
  });
}

try {
  main();
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 100);
}
