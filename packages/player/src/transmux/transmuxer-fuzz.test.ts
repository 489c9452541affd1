import { join } from 'node:path';
import { FlvDemuxer, Mp4Fragmenter } from '@tidecast/media';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, readBytes, tempDir } from './test-support/transmux-fixtures.js';
import type { TransmuxInputFormat, TransmuxOutput } from './transmux-types.js';
import { Transmuxer } from './transmuxer.js';

const dir = tempDir('tidecast-transmux-fuzz-');
const samples: Record<TransmuxInputFormat, Uint8Array> = {
  flv: new Uint8Array(0),
  fmp4: new Uint8Array(0),
  ts: new Uint8Array(0),
  auto: new Uint8Array(0),
};

beforeAll(() => {
  const src = join(dir, 'src.flv');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10:duration=1'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=1'],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '5',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-f',
      'flv',
      src,
    ],
  ]);
  samples.flv = readBytes(src);
  const fragmenter = new Mp4Fragmenter({ maxFragmentMs: 1 });
  const parts: Uint8Array[] = [];
  for (const e of new FlvDemuxer().push(samples.flv))
    parts.push(...fragmenter.push(e).map((c) => c.bytes));
  parts.push(...fragmenter.flush().map((c) => c.bytes));
  samples.fmp4 = Buffer.concat(parts);
  const ts = join(dir, 'src.ts');
  ffmpeg(['-i', src, '-c', 'copy', '-f', 'mpegts', ts]);
  samples.ts = readBytes(ts);
  samples.auto = samples.ts;
});

/** Runs the input in the given pieces; a throw fails the property. Returns the outputs. */
function run(format: TransmuxInputFormat, bytes: Uint8Array, cuts: number[]): TransmuxOutput[] {
  const t = new Transmuxer({ format });
  const out: TransmuxOutput[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(bytes.length, c);
    if (end > at) out.push(...t.push(bytes.subarray(at, end)));
    at = Math.max(at, end);
  }
  out.push(...t.push(bytes.subarray(at)));
  out.push(...t.flush());
  out.push(...t.push(bytes.subarray(0, 10))); // after the end: nothing, no throw
  return out;
}

const formats = fc.constantFrom<TransmuxInputFormat>('flv', 'fmp4', 'ts', 'auto');

describe('Transmuxer fuzz', () => {
  it('never throws on random bytes; only errors and warnings come out', () => {
    fc.assert(
      fc.property(
        formats,
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(2000), { maxLength: 5 }),
        (format, bytes, cuts) => {
          const out = run(format, bytes, cuts);
          for (const o of out) expect(['error', 'warning', 'init', 'segment']).toContain(o.type);
          expect(out.filter((o) => o.type === 'segment')).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated or truncated real streams, in bounded time', () => {
    fc.assert(
      fc.property(
        formats,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        fc.array(fc.nat(100_000), { maxLength: 6 }),
        (format, edits, cut, cuts) => {
          const bytes = samples[format].slice();
          for (const [i, b] of edits) bytes[i % bytes.length] = b;
          const truncated = bytes.subarray(0, cut % (bytes.length + 1));
          const started = performance.now();
          const out = run(format, truncated, cuts);
          expect(performance.now() - started).toBeLessThan(2000);
          const errors = out.filter((o) => o.type === 'error');
          expect(errors.length).toBeLessThanOrEqual(1);
          // Nothing comes out after a fatal error.
          const firstError = out.findIndex((o) => o.type === 'error');
          if (firstError >= 0) expect(out.length).toBe(firstError + 1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
