/**
 * HTTP-FLV bytes as they are on the wire (the body is written to the socket directly, so the
 * chunked coding is ours): a strict chunk decoder for HTTP/1.1, a close-delimited body for 1.0.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlvDemuxer } from '@tidecast/media';
import type { TidecastServer } from '../server.js';
import { publishTestPattern, startTestServer } from '../test-support/test-server.js';

const servers: TidecastServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/**
 * Sends `request` and collects the raw response bytes for `ms`; `arrivals` (when given) gets
 * the time and the byte count so far at every read.
 */
function rawExchange(
  port: number,
  request: string,
  ms: number,
  arrivals?: Array<{ at: number; total: number }>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (data: Buffer) => {
      parts.push(data);
      total += data.length;
      arrivals?.push({ at: performance.now(), total });
    });
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(parts));
    }, ms);
  });
}

function splitHead(response: Buffer): { head: string; body: Buffer } {
  const end = response.indexOf('\r\n\r\n');
  expect(end).toBeGreaterThan(0);
  return { head: response.subarray(0, end).toString('latin1'), body: response.subarray(end + 4) };
}

/** RFC 9112 7.1 chunked body up to the last complete chunk; throws on any framing error. */
function decodeChunks(body: Buffer): { data: Buffer; chunks: number; ends: number[] } {
  const parts: Buffer[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const sizeText = body.subarray(offset, lineEnd).toString('latin1');
    if (!/^[0-9a-f]+$/.test(sizeText)) throw new Error(`bad chunk size '${sizeText}' at ${offset}`);
    const size = parseInt(sizeText, 16);
    if (size === 0) throw new Error('unexpected last-chunk in a live stream');
    const end = lineEnd + 2 + size;
    if (end + 2 > body.length) break; // cut off by the test's own timeout
    if (body[end] !== 0x0d || body[end + 1] !== 0x0a) throw new Error(`no CRLF after chunk`);
    parts.push(body.subarray(lineEnd + 2, end));
    offset = end + 2;
    ends.push(offset);
  }
  return { data: Buffer.concat(parts), chunks: parts.length, ends };
}

function mediaOf(flv: Uint8Array): { video: number; audio: number; problems: string[] } {
  const demuxer = new FlvDemuxer();
  const events = demuxer.push(flv);
  const problems = events.filter((e) => e.type === 'error').map((e) => JSON.stringify(e));
  const packets = events.filter((e) => e.type === 'packet');
  return {
    video: packets.filter((e) => e.type === 'packet' && e.packet.kind === 'video').length,
    audio: packets.filter((e) => e.type === 'packet' && e.packet.kind === 'audio').length,
    problems,
  };
}

describe('HTTP-FLV on the wire', () => {
  it('HTTP/1.1: a valid chunked body of whole FLV tags, several tags per chunk at times', async () => {
    const { ports } = await startTestServer(servers);
    const publishing = publishTestPattern(ports.rtmpPort, 'live/w', 4);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const response = await rawExchange(
      ports.httpPort,
      'GET /live/w.flv HTTP/1.1\r\nHost: x\r\n\r\n',
      1500,
    );
    const { head, body } = splitHead(response);
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head.toLowerCase()).toContain('transfer-encoding: chunked');
    const { data, chunks } = decodeChunks(body);
    expect(chunks).toBeGreaterThan(10);
    expect(data.subarray(0, 3).toString('latin1')).toBe('FLV');
    const media = mediaOf(data);
    expect(media.problems).toEqual([]);
    expect(media.video).toBeGreaterThan(20);
    expect(media.audio).toBeGreaterThan(20);
    await publishing;
  });

  it('merged writes (viewer.mergeWriteMs): every tag still arrives, in far fewer writes', async () => {
    const { ports } = await startTestServer(servers, { viewer: { mergeWriteMs: 250 } });
    const publishing = publishTestPattern(ports.rtmpPort, 'live/m', 4);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const arrivals: Array<{ at: number; total: number }> = [];
    const response = await rawExchange(
      ports.httpPort,
      'GET /live/m.flv HTTP/1.1\r\nHost: x\r\n\r\n',
      2000,
      arrivals,
    );
    const { head, body } = splitHead(response);
    const { data, ends } = decodeChunks(body);
    // Past the join burst (the cached GOP, written tag by tag), live media comes as one chunk
    // per 250 ms; unmerged it is one per event-loop turn with media (~50/s here).
    const bodyStart = head.length + 4;
    const firstAt = arrivals[0]?.at ?? 0;
    const arrivedAt = (end: number): number =>
      arrivals.find((a) => a.total >= bodyStart + end)?.at ?? Infinity;
    const live = ends.filter((end) => arrivedAt(end) - firstAt >= 500);
    expect(live.length).toBeGreaterThan(1);
    expect(live.length).toBeLessThanOrEqual(Math.ceil(1500 / 250) + 1);
    const media = mediaOf(data);
    expect(media.problems).toEqual([]);
    expect(media.video).toBeGreaterThan(20);
    expect(media.audio).toBeGreaterThan(20);
    await publishing;
  });

  it('HTTP/1.0: no chunked coding (1.0 has none), the FLV bytes as they are', async () => {
    const { ports } = await startTestServer(servers);
    const publishing = publishTestPattern(ports.rtmpPort, 'live/w', 4);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const response = await rawExchange(ports.httpPort, 'GET /live/w.flv HTTP/1.0\r\n\r\n', 1500);
    const { head, body } = splitHead(response);
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head.toLowerCase()).not.toContain('transfer-encoding');
    expect(head.toLowerCase()).toContain('connection: close');
    expect(body.subarray(0, 3).toString('latin1')).toBe('FLV');
    const media = mediaOf(body);
    expect(media.problems).toEqual([]);
    expect(media.video).toBeGreaterThan(20);
    await publishing;
  });
});
