import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAmf0Values } from '@tidecast/media';
import { ChunkWriter } from './chunk-writer.js';
import type { RtmpMessage } from './rtmp-message.js';
import { RTMP_OUT_CHUNK_SIZE, RTMP_PLAY_STREAM_ID, RtmpServerSession } from './rtmp-session.js';
import type { RtmpSessionEvent } from './rtmp-session.js';

/** arr[i], failing the test when it is missing (noUncheckedIndexedAccess without `!`). */
function nth<T>(arr: readonly T[], i: number): T {
  const value = i < 0 ? arr[arr.length + i] : arr[i];
  if (value === undefined) throw new Error(`no element ${i} (length ${arr.length})`);
  return value;
}

/** The smallest glue: one session per socket; `decide` answers publish / play. */
function startGlue(
  decide: (session: RtmpServerSession, event: RtmpSessionEvent, socket: Socket) => void,
): Promise<{ server: Server; port: number; events: RtmpSessionEvent[] }> {
  const events: RtmpSessionEvent[] = [];
  const server = createServer((socket) => {
    const session = new RtmpServerSession();
    const flush = () => {
      for (const bytes of session.takeOutput()) socket.write(bytes);
    };
    socket.on('data', (data: Buffer) => {
      for (const event of session.receive(new Uint8Array(data))) {
        events.push(event);
        decide(session, event, socket);
        if (event.type === 'error') socket.destroy();
      }
      flush();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => events.push(...session.close()));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, port: (server.address() as AddressInfo).port, events });
    });
  });
}

function runFfmpeg(
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', ...args]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** FLV tags of a file (FLV spec v10.1 E.4.1: 11-byte header, body, PreviousTagSize). */
function flvTags(bytes: Uint8Array): RtmpMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const tags: RtmpMessage[] = [];
  let at = view.getUint32(5) + 4;
  while (at + 11 <= bytes.length) {
    const typeId = view.getUint8(at);
    const size = view.getUint32(at) % 0x1000000;
    // TimestampExtended (byte 7) is the high byte over the 24-bit Timestamp (bytes 4..6).
    const timestamp = view.getUint8(at + 7) * 0x1000000 + Math.floor(view.getUint32(at + 4) / 256);
    tags.push({
      typeId,
      streamId: RTMP_PLAY_STREAM_ID,
      timestamp,
      payload: bytes.subarray(at + 11, at + 11 + size),
    });
    at += 11 + size + 4;
  }
  return tags;
}

describe('RtmpServerSession with real ffmpeg', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tidecast-rtmp-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ffmpeg publishes H.264 + AAC: Publish.Start, metadata, media, unpublish', async () => {
    const glue = await startGlue((session, event) => {
      if (event.type === 'publish') session.acceptPublish(event.streamId);
    });
    try {
      const { code, stderr } = await runFfmpeg([
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=160x120:rate=15',
        '-f',
        'lavfi',
        '-i',
        'sine',
        '-t',
        '2',
        '-c:v',
        'libx264',
        '-c:a',
        'aac',
        '-f',
        'flv',
        `rtmp://127.0.0.1:${glue.port}/live/x`,
      ]);
      expect(code, stderr).toBe(0);
      const types = glue.events.map((e) => e.type);
      expect(types.slice(0, 2)).toEqual(['connect', 'publish']);
      expect(glue.events[1]).toMatchObject({ app: 'live', name: 'x', streamId: 1 });
      expect(types).toContain('unpublish');
      const media = glue.events.flatMap((e) => (e.type === 'media' ? [e.message] : []));
      const first = nth(media, 0);
      expect(first.typeId).toBe(18);
      expect(readAmf0Values(first.payload)[0]).toBe('onMetaData');
      const video = media.filter((m) => m.typeId === 9);
      const audio = media.filter((m) => m.typeId === 8);
      expect(nth(video, 0).payload[0]).toBe(0x17); // keyframe, AVC
      expect(nth(video, 0).payload[1]).toBe(0); // AVC sequence header first
      expect((nth(audio, 0).payload[0] ?? 0) >> 4).toBe(10); // AAC (SoundFormat 10)
      expect(video.length).toBeGreaterThanOrEqual(29); // 2 s at 15 fps (+ sequence header)
      expect(audio.length).toBeGreaterThanOrEqual(80); // 2 s of 1024-sample AAC frames
      const last = nth(video, -1).timestamp;
      expect(last).toBeGreaterThan(1800);
      expect(last).toBeLessThan(2100);
    } finally {
      glue.server.close();
    }
  });

  it('ffmpeg plays: connect, createStream, play, then FLV tags sent as RTMP messages', async () => {
    const flv = join(dir, 'clip.flv');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=15',
      '-f',
      'lavfi',
      '-i',
      'sine',
      '-t',
      '2',
      '-c:v',
      'libx264',
      '-g',
      '15',
      '-c:a',
      'aac',
      flv,
    ]);
    const tags = flvTags(new Uint8Array(readFileSync(flv)));
    expect(tags.length).toBeGreaterThan(40);
    const glue = await startGlue((session, event) => {
      if (event.type !== 'play') return;
      session.acceptPlay(event.streamId);
      // What hub/rtmp-packager does: fmt 0 per message at the session's chunk size.
      const packager = new ChunkWriter({ chunkSize: RTMP_OUT_CHUNK_SIZE, compress: false });
      for (const tag of tags) {
        const csid = tag.typeId === 8 ? 4 : tag.typeId === 9 ? 6 : 5;
        session.writeRaw(packager.write(csid, tag));
      }
      // The clip is all there is: UnpublishNotify + StreamEOF let ffmpeg finish probing
      // (it otherwise waits for more than 2 s of media) and stop at end of stream.
      expect(session.sendStreamEof(event.streamId)).toBe(true);
    });
    try {
      const { code, stderr } = await runFfmpeg([
        '-i',
        `rtmp://127.0.0.1:${glue.port}/live/x`,
        '-t',
        '1',
        '-f',
        'null',
        '-',
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/Video: h264/);
      expect(stderr).toMatch(/Audio: aac/);
      expect(stderr).toMatch(/frame=\s*1[45]\b/); // 1 s at 15 fps decoded
      const types = glue.events.map((e) => e.type);
      expect(types.slice(0, 2)).toEqual(['connect', 'play']);
      // ffmpeg sends start = live flag (-2) * 1000 (libavformat rtmpproto.c gen_play)
      expect(glue.events[1]).toMatchObject({ name: 'x', streamId: 1, start: -2000 });
      expect(types).not.toContain('error');
    } finally {
      glue.server.close();
    }
  });
});
