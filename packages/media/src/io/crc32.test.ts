import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { crc32Mpeg2 } from './crc32.js';
import { ffmpeg, readBytes, withTempDir } from '../test-support/ffmpeg.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The first PAT section (PID 0, ISO/IEC 13818-1 2.4.4.3) of a transport stream. */
function firstPat(ts: Uint8Array): Uint8Array {
  for (let p = 0; p + 188 <= ts.length; p += 188) {
    const pid = ((ts[p + 1] ?? 0) & 0x1f) * 256 + (ts[p + 2] ?? 0);
    const unitStart = ((ts[p + 1] ?? 0) & 0x40) !== 0;
    if (ts[p] !== 0x47 || pid !== 0 || !unitStart) continue;
    const hasAdaptation = ((ts[p + 3] ?? 0) & 0x20) !== 0;
    let payload = p + 4 + (hasAdaptation ? 1 + (ts[p + 4] ?? 0) : 0);
    payload += 1 + (ts[payload] ?? 0); // pointer_field
    const sectionLength = ((ts[payload + 1] ?? 0) & 0x0f) * 256 + (ts[payload + 2] ?? 0);
    return ts.slice(payload, payload + 3 + sectionLength);
  }
  throw new Error('no PAT found');
}

describe('crc32Mpeg2', () => {
  it('gives the CRC-32/MPEG-2 check value for "123456789"', () => {
    expect(crc32Mpeg2(ascii('123456789'))).toBe(0x0376e6e7);
  });

  it('starts from 0xFFFFFFFF with no final xor', () => {
    expect(crc32Mpeg2(new Uint8Array(0))).toBe(0xffffffff);
    expect(crc32Mpeg2(new Uint8Array([0]))).toBe(0x4e08bfb4);
  });

  it('honours start and end', () => {
    const padded = ascii('xx123456789yyy');
    expect(crc32Mpeg2(padded, 2, 11)).toBe(0x0376e6e7);
    expect(crc32Mpeg2(padded, 5, 5)).toBe(0xffffffff);
  });

  it('is 0 over a message followed by its own big-endian CRC', () => {
    const msg = ascii('Tidecast PSI');
    const crc = crc32Mpeg2(msg);
    const withCrc = new Uint8Array([
      ...msg,
      Math.floor(crc / 2 ** 24),
      Math.floor(crc / 2 ** 16) % 256,
      Math.floor(crc / 256) % 256,
      crc % 256,
    ]);
    expect(crc32Mpeg2(withCrc)).toBe(0);
  });

  it('matches the CRC_32 of a PAT section written by ffmpeg', () => {
    withTempDir('tidecast-crc-', (dir) => {
      const out = join(dir, 'clip.ts');
      ffmpeg([
        ...['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10:duration=0.5'],
        ...['-c:v', 'mpeg2video', '-f', 'mpegts', out],
      ]);
      const pat = firstPat(readBytes(out));
      expect(pat[0]).toBe(0x00); // table_id: program_association_section
      const n = pat.length;
      const stored =
        (pat[n - 4] ?? 0) * 2 ** 24 +
        (pat[n - 3] ?? 0) * 2 ** 16 +
        (pat[n - 2] ?? 0) * 256 +
        (pat[n - 1] ?? 0);
      expect(crc32Mpeg2(pat, 0, n - 4)).toBe(stored);
      expect(crc32Mpeg2(pat)).toBe(0);
      // A single flipped bit must be caught.
      pat[3] = (pat[3] ?? 0) ^ 0x01;
      expect(crc32Mpeg2(pat)).not.toBe(0);
    });
  });
});
