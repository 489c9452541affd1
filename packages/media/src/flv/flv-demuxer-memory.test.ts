import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlvDemuxer } from './flv-demuxer.js';
import { FLV_MAX_DATA_SIZE } from './flv-tag.js';

/** FLV header (E.2) + PreviousTagSize0, audio and video flags set. */
const HEADER = new Uint8Array([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);
/** Largest thing the demuxer may hold: a tag header and a maximal body, plus one input chunk. */
const CHUNK = 64 * 1024;
const BOUND = 11 + FLV_MAX_DATA_SIZE + CHUNK;

function videoTagHeader(dataSize: number): Uint8Array {
  return new Uint8Array([
    9,
    dataSize >>> 16,
    (dataSize >>> 8) & 0xff,
    dataSize & 0xff,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
}

function pseudoRandom(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('FlvDemuxer memory stays bounded whatever the peer sends', () => {
  it('a maximal tag (DataSize 2^24-1) is buffered once and released after', () => {
    const demuxer = new FlvDemuxer();
    demuxer.push(HEADER);
    demuxer.push(videoTagHeader(FLV_MAX_DATA_SIZE));
    let peak = 0;
    const filler = new Uint8Array(CHUNK);
    for (let sent = 0; sent < FLV_MAX_DATA_SIZE; sent += CHUNK) {
      const piece = filler.subarray(0, Math.min(CHUNK, FLV_MAX_DATA_SIZE - sent));
      demuxer.push(piece);
      peak = Math.max(peak, demuxer.bufferedBytes);
    }
    expect(peak).toBeGreaterThan(FLV_MAX_DATA_SIZE - CHUNK);
    expect(peak).toBeLessThanOrEqual(BOUND);
    // The tag is consumed once its PreviousTagSize arrives; nothing is left behind.
    demuxer.push(new Uint8Array([0x01, 0x00, 0x00, 0x0a]));
    expect(demuxer.bufferedBytes).toBe(0);
  });

  it('64 MiB of random bytes after a valid header never grows the buffer past one tag', () => {
    for (const seed of [1, 2, 3, 4]) {
      const demuxer = new FlvDemuxer();
      demuxer.push(HEADER);
      let peak = 0;
      let failed = false;
      for (let i = 0; i < 1024 && !failed; i++) {
        const events = demuxer.push(pseudoRandom(seed * 7919 + i, CHUNK));
        failed = events.some((e) => e.type === 'error');
        peak = Math.max(peak, demuxer.bufferedBytes);
      }
      expect(peak).toBeLessThanOrEqual(BOUND);
    }
  });

  it('after an error, further input is dropped rather than held', () => {
    const demuxer = new FlvDemuxer();
    const events = demuxer.push(new Uint8Array([0x47, 0x40, 0, 0x10, 1, 2, 3]));
    expect(events.map((e) => e.type)).toEqual(['error']);
    for (let i = 0; i < 100; i++) expect(demuxer.push(new Uint8Array(CHUNK))).toEqual([]);
    expect(demuxer.bufferedBytes).toBe(0);
  });

  it('any byte stream, however chunked, stays within the bound (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 4096 }), { maxLength: 64 }),
        (chunks) => {
          const demuxer = new FlvDemuxer();
          demuxer.push(HEADER);
          for (const chunk of chunks) {
            demuxer.push(chunk);
            if (demuxer.bufferedBytes > BOUND) return false;
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});
