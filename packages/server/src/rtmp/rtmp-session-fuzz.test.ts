import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RtmpClientSession } from './rtmp-client-session.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import { MessageType } from './rtmp-message.js';
import { RtmpServerSession } from './rtmp-session.js';
import type { RtmpSessionEvent } from './rtmp-session.js';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A server past the handshake and connect, publishing stream 1 (accepted). */
function publishingServer(): { server: RtmpServerSession; client: RtmpClientSession } {
  const server = new RtmpServerSession();
  const client = new RtmpClientSession();
  client.connect('live', 'rtmp://h/live');
  client.publish('x');
  for (let i = 0; i < 10; i++) {
    for (const e of server.receive(concat(client.takeOutput()))) {
      if (e.type === 'publish') server.acceptPublish(e.streamId);
    }
    client.receive(concat(server.takeOutput()));
  }
  expect(client.streamId).toBe(1);
  return { server, client };
}

/** Feeds chunks; checks the session never throws, only errors once, and output stays small. */
function feed(server: RtmpServerSession, chunks: Uint8Array[]): RtmpSessionEvent[] {
  const events: RtmpSessionEvent[] = [];
  let input = 0;
  let output = 0;
  for (const chunk of chunks) {
    input += chunk.length;
    events.push(...server.receive(chunk));
    output += concat(server.takeOutput()).length;
  }
  // Replies (acks, _error, status) are smaller than the commands that caused them; 2 KiB
  // covers the fixed-size replies a tiny input can still trigger.
  expect(output).toBeLessThanOrEqual(2048 + 2 * input);
  const errors = events.filter((e) => e.type === 'error');
  expect(errors.length).toBeLessThanOrEqual(1);
  for (const e of errors) expect(e.error).toBeInstanceOf(RtmpProtocolError);
  if (errors.length === 1) expect(events.at(-1)?.type).toBe('error');
  return events;
}

describe('RtmpServerSession fuzz', () => {
  it('random bytes after a valid handshake: only error events, bounded output', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { minLength: 1, maxLength: 12 }),
        (chunks) => {
          const server = new RtmpServerSession();
          const client = new RtmpClientSession();
          server.receive(concat(client.takeOutput()));
          client.receive(concat(server.takeOutput()));
          server.receive(concat(client.takeOutput())); // C2 (+ SetChunkSize)
          server.takeOutput();
          const events = feed(server, chunks);
          for (const e of events) expect(['error', 'connect']).toContain(e.type);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mutated valid publish traffic: media or one error, never a throw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 400 }),
        (flips, split) => {
          const { server, client } = publishingServer();
          client.sendMetadata({ width: 2 });
          for (let i = 0; i < 6; i++) {
            client.sendMedia(MessageType.Video, i * 33, new Uint8Array(300 + i * 700).fill(i));
            client.call(i % 2 ? 'fooBar' : 'getStreamLength', null, ['x']);
          }
          const wire = concat(client.takeOutput());
          for (const [at, value] of flips) wire[at % wire.length] = value;
          const chunks: Uint8Array[] = [];
          for (let at = 0; at < wire.length; at += split)
            chunks.push(wire.subarray(at, at + split));
          const events = feed(server, chunks);
          for (const e of events)
            expect(['media', 'error', 'unpublish', 'pause']).toContain(e.type);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('absurd chunk size and 16 MiB message headers give an error, not memory', () => {
    const { server } = publishingServer();
    // Set Chunk Size 0x7FFFFFFF on csid 2 (RTMP 5.4.1 maximum; rejected as absurd)
    const events = server.receive(
      Uint8Array.of(0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff),
    );
    expect(events.map((e) => e.type)).toEqual(['error']);

    const other = publishingServer().server;
    // a video message header declaring 0xFFFFFF bytes, then only a little of it
    const header = Uint8Array.of(0x06, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0);
    expect(other.receive(concat([header, new Uint8Array(1000)]))).toEqual([]);
    expect(other.pendingOutputBytes).toBe(0);
  });
});
