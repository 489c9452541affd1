/**
 * Real-peer check: ffmpeg talks to a bare server built only from the handshake, the chunk
 * reader/writer and AMF0 (the session proper lives in rtmp-session.ts).
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { encodeAmf0, readAmf0Values } from '@tidecast/media';
import type { Amf0Value } from '@tidecast/media';
import { ChunkReader } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
import { RtmpServerHandshake } from './rtmp-handshake.js';
import type { HandshakeMode } from './rtmp-handshake.js';
import {
  MessageType,
  controlMessage,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeUserControl,
  encodeWindowAckSize,
} from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';

interface Seen {
  modes: (HandshakeMode | undefined)[];
  commands: string[];
  media: RtmpMessage[];
  errors: unknown[];
}

function serve(seen: Seen, stopAt?: string) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const handshake = new RtmpServerHandshake();
    const reader = new ChunkReader();
    const writer = new ChunkWriter();
    let ready = false;
    const send = (csid: number, m: RtmpMessage) => socket.write(writer.write(csid, m));
    const command = (streamId: number, ...values: Amf0Value[]) =>
      send(streamId === 0 ? 3 : 5, {
        typeId: MessageType.CommandAMF0,
        streamId,
        timestamp: 0,
        payload: encodeAmf0(...values),
      });
    const handle = (m: RtmpMessage) => {
      if (m.typeId === MessageType.Video || m.typeId === MessageType.Audio) seen.media.push(m);
      if (m.typeId !== MessageType.CommandAMF0) return;
      const [name, tx] = readAmf0Values(m.payload);
      seen.commands.push(String(name));
      if (name === stopAt) {
        socket.destroy();
        return;
      }
      const txId = typeof tx === 'number' ? tx : 0;
      if (name === 'connect') {
        send(2, controlMessage(MessageType.WindowAckSize, encodeWindowAckSize(2500000)));
        send(2, controlMessage(MessageType.SetPeerBandwidth, encodeSetPeerBandwidth(2500000, 2)));
        send(2, controlMessage(MessageType.SetChunkSize, encodeSetChunkSize(4096)));
        writer.setChunkSize(4096);
        command(
          0,
          '_result',
          txId,
          { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
          {
            level: 'status',
            code: 'NetConnection.Connect.Success',
            description: 'Connection succeeded.',
            objectEncoding: 0,
          },
        );
      } else if (name === 'createStream') {
        command(0, '_result', txId, null, 1);
      } else if (name === 'publish') {
        send(
          2,
          controlMessage(
            MessageType.UserControl,
            encodeUserControl({ kind: 'stream-begin', streamId: 1 }),
          ),
        );
        command(1, 'onStatus', 0, null, {
          level: 'status',
          code: 'NetStream.Publish.Start',
          description: 'Publishing.',
        });
      } else if (txId > 0) {
        command(0, '_result', txId, null);
      }
    };
    socket.on('data', (data: Uint8Array) => {
      try {
        let bytes = data;
        if (!ready) {
          const r = handshake.receive(data);
          for (const out of r.output) socket.write(out);
          seen.modes.push(handshake.mode);
          if (!r.done) return;
          ready = true;
          bytes = r.rest;
        }
        for (const m of reader.push(bytes)) handle(m);
      } catch (error) {
        seen.errors.push(error);
        socket.destroy();
      }
    });
  });
  return new Promise<{ port: number; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function ffmpeg(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('ffmpeg as a real RTMP peer', () => {
  it('publishes H.264 through our handshake and chunk stream: video messages arrive', async () => {
    const seen: Seen = { modes: [], commands: [], media: [], errors: [] };
    const server = await serve(seen);
    try {
      const url = `rtmp://127.0.0.1:${server.port}/live/x`;
      const run = await ffmpeg(
        [
          '-re',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=160x120:rate=15',
          '-t',
          '2',
          '-c:v',
          'libx264',
          '-f',
          'flv',
          url,
        ],
        30_000,
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(seen.errors).toEqual([]);
      // ffmpeg signs its C1 (Flash Player 9 style, digest position from bytes 8..11).
      expect(seen.modes.at(-1)).toBe('digest0');
      expect(seen.commands).toEqual(expect.arrayContaining(['connect', 'createStream', 'publish']));
      const video = seen.media.filter((m) => m.typeId === MessageType.Video);
      expect(video.length).toBeGreaterThanOrEqual(28); // 2 s at 15 fps, plus the sequence header
      expect(Array.from(video[0]?.payload.subarray(0, 2) ?? [])).toEqual([0x17, 0x00]); // AVC seq header
      expect(video.every((m) => m.streamId === 1)).toBe(true);
      const times = video.map((m) => m.timestamp);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times.at(-1)).toBeGreaterThan(1700);
    } finally {
      await server.close();
    }
  });

  it('plays: ffmpeg validates our signed S1/S2 and goes on to connect', async () => {
    const seen: Seen = { modes: [], commands: [], media: [], errors: [] };
    const server = await serve(seen, 'connect');
    try {
      // ffmpeg as a player checks the S1 digest and S2 signature and aborts on a mismatch
      // ("Server response validating failed"), before it sends connect.
      await ffmpeg(
        [
          '-rw_timeout',
          '5000000',
          '-i',
          `rtmp://127.0.0.1:${server.port}/live/x`,
          '-f',
          'null',
          '-',
        ],
        20_000,
      );
      expect(seen.errors).toEqual([]);
      expect(seen.modes.at(-1)).toMatch(/^digest[01]$/);
      expect(seen.commands[0]).toBe('connect');
    } finally {
      await server.close();
    }
  });
});
