/**
 * Reader side of the write floor: opens N loopback connections to the floor child and reads
 * (and drops) everything, like the load generator's viewers do. argv: <port> <connections>
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { hasType } from './ipc-messages.js';
import type { FloorReaderReply } from './ipc-messages.js';

function send(reply: FloorReaderReply): void {
  process.send?.(reply);
}

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const sockets: Socket[] = [];
let open = 0;
for (let i = 0; i < count; i += 1) {
  const socket = connect(port, '127.0.0.1', () => {
    open += 1;
    if (open === count) send({ type: 'connected', connections: open });
  });
  socket.on('data', () => undefined);
  socket.on('error', (error) => send({ type: 'failed', message: error.message }));
  sockets.push(socket);
}
process.on('message', (message: unknown) => {
  if (hasType(message) && message.type === 'stop') {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
