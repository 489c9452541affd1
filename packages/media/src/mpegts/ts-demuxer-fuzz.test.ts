import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitLengthPrefixed } from '../codecs/h264/annexb.js';
import { MediaError, TruncatedError } from '../errors.js';
import { ffmpeg, readBytes, useTempDir } from '../test-support/ffmpeg.js';
import type { DemuxEvent, MediaPacket } from '../types.js';
import { TsDemuxer } from './ts-demuxer.js';

/*
 * Hostile input: random, truncated and mutated transport streams, split anywhere. The demuxer
 * never throws, reports only MediaError, at most one error and only at the end, hands out only
 * well-formed packets, and gives the same events however the input is split.
 */

const samples: Uint8Array[] = [];

beforeAll(() => {
  const dir = useTempDir('tidecast-tsfuzz-');
  const src = ['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25'];
  const tone = ['-f', 'lavfi', '-i', 'sine=sample_rate=48000'];
  const make = (name: string, args: string[]): void => {
    ffmpeg([...args, '-t', '0.3', '-f', 'mpegts', join(dir, name)]);
    samples.push(readBytes(join(dir, name)));
  };
  make('a.ts', [...src, ...tone, '-c:v', 'libx264', '-bf', '2', '-g', '4', '-c:a', 'aac']);
  make('b.ts', [
    ...src,
    ...tone,
    '-c:v',
    'libx265',
    '-x265-params',
    'log-level=none',
    '-g',
    '4',
    '-c:a',
    'libmp3lame',
  ]);
  make('c.ts', [...tone, '-c:a', 'libopus']);
});

function run(pieces: Uint8Array[]): DemuxEvent[] {
  const d = new TsDemuxer();
  const events = pieces.flatMap((p) => d.push(p));
  events.push(...d.flush());
  expect(d.bufferedBytes).toBeLessThan(64 * 1024 * 1024);
  return events;
}

/** The same bytes cut at the given positions. */
function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

/** The rules every event list must follow, whatever the input. */
function checkEvents(events: DemuxEvent[]): void {
  events.forEach((e, i) => {
    if (e.type === 'warning') expect(e.error).toBeInstanceOf(MediaError);
    if (e.type === 'error') {
      // The one error a demuxer that recovers from everything has: input ending mid-packet.
      // Anything else is an internal failure the catch-all turned into an event.
      expect(e.error).toBeInstanceOf(TruncatedError);
      expect(i).toBe(events.length - 1);
    }
    if (e.type === 'packet') checkPacket(e.packet);
  });
}

function checkPacket(p: MediaPacket): void {
  expect(p.timescale).toBe(90000);
  expect(Number.isSafeInteger(p.pts) && Number.isSafeInteger(p.dts)).toBe(true);
  expect(p.data.length).toBeGreaterThan(0);
  if (p.kind === 'video') expect(() => splitLengthPrefixed(p.data, 4)).not.toThrow();
}

function packets(events: DemuxEvent[], kind: 'video' | 'audio'): MediaPacket[] {
  return events.flatMap((e) => (e.type === 'packet' && e.packet.kind === kind ? [e.packet] : []));
}

const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('TsDemuxer fuzz', () => {
  it('random bytes: only MediaError, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), cuts, (bytes, at) => {
        checkEvents(run(cut(bytes, at)));
      }),
      { numRuns: 300 },
    );
  });

  it('random packets on the PIDs the demuxer reads: same events for any split', () => {
    // Mostly plausible packets (in-order counters, unscrambled, unit starts that begin like a
    // PES with a PTS and an ES start code) so that random bytes reach the ES parsers, with
    // arbitrary headers mixed in.
    const packet = fc.record({
      pid: fc.constantFrom(0x00, 0x1000, 0x100, 0x101, 0x1fff),
      start: fc.boolean(),
      pes: fc.integer({ min: 0, max: 3 }),
      wild: fc.oneof(
        { arbitrary: fc.constant(null), weight: 7 },
        { arbitrary: fc.tuple(fc.nat(255), fc.nat(255)), weight: 1 },
      ),
      adaptation: fc.boolean(),
      body: fc.uint8Array({ minLength: 184, maxLength: 184 }),
    });
    const stream = fc.array(packet, { maxLength: 30 }).map((list) => {
      const counters = new Map<number, number>();
      return list.map(({ pid, start, pes, wild, adaptation, body }) => {
        const cc = ((counters.get(pid) ?? 15) + 1) % 16;
        counters.set(pid, cc);
        if (start && pes > 0) {
          const streamId = pid === 0x101 ? 0xc0 : 0xe0;
          body.set([0, 0, 1, streamId, 0, pes === 1 ? (body[5] ?? 0) : 0, 0x80, 0x80, 5]);
          body.set([0x21, 0, 1, 0, 1, 0, 0, 1], 9); // PTS, then a start code for the ES
        }
        const b1 = wild?.[0] ?? (start ? 0x40 : 0) + Math.floor(pid / 256);
        const b3 = wild?.[1] ?? (adaptation ? 0x30 : 0x10) + cc;
        if (adaptation && wild === null) body[0] = (body[0] ?? 0) % 8;
        return Uint8Array.from([0x47, (b1 & 0xe0) + Math.floor(pid / 256), pid % 256, b3, ...body]);
      });
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), stream, cuts, (s, list, at) => {
        // ffmpeg's SDT, PAT and PMT first, so the random packets reach the PES and ES parsers.
        const bytes = Uint8Array.from([
          ...(samples[s] ?? new Uint8Array(0)).subarray(0, 188 * 3),
          ...list.flatMap((p) => [...p]),
        ]);
        const whole = run([bytes]);
        checkEvents(whole);
        expect(run(cut(bytes, at))).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });

  it('truncated streams: what comes out is what the whole stream gives, bar the last frame', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.nat(), cuts, (s, n, at) => {
        const sample = samples[s] ?? new Uint8Array(0);
        const full = run([sample]);
        const events = run(cut(sample.subarray(0, n % (sample.length + 1)), at));
        checkEvents(events);
        for (const kind of ['video', 'audio'] as const) {
          const ours = packets(events, kind).slice(0, -1);
          expect(ours).toEqual(packets(full, kind).slice(0, ours.length));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('mutated streams: only MediaError, and the same events for any split', () => {
    const mutated = fc
      .tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
      )
      .map(([s, edits]) => {
        const copy = (samples[s] ?? new Uint8Array(0)).slice();
        for (const [i, b] of edits) copy[i % copy.length] = b;
        return copy;
      });
    fc.assert(
      fc.property(mutated, cuts, (bytes, at) => {
        const whole = run([bytes]);
        checkEvents(whole);
        expect(run(cut(bytes, at))).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });
});
