import { Amf0EcmaArray } from '@tidecast/media';
import { describe, expect, it } from 'vitest';
import { ChunkReader } from '../rtmp/chunk-reader.js';
import { FlvPackager } from './flv-packager.js';
import { RTMP_CSID, RTMP_PLAY_CHUNK_SIZE, RtmpPackager } from './rtmp-packager.js';
import type { StreamChunk } from './stream-output.js';
import { aacTrack, avcTrack, syntheticPackets, videoPacket } from './test-support/hub-fixtures.js';

/** RTMP spec 5.3.1.2.1: a type 0 header on a one-byte basic header (csid 2-63). */
function fmt0Header(bytes: Uint8Array) {
  const b = (i: number): number => bytes[i] ?? -1;
  return {
    fmt: Math.floor(b(0) / 64),
    csid: b(0) % 64,
    timestamp: b(1) * 65536 + b(2) * 256 + b(3),
    length: b(4) * 65536 + b(5) * 256 + b(6),
    typeId: b(7),
    streamId: b(8) + b(9) * 256 + b(10) * 65536 + b(11) * 16777216, // little-endian
  };
}

function serialize(packager: FlvPackager | RtmpPackager): StreamChunk[] {
  const out = [
    ...packager.setMetadata(new Amf0EcmaArray({ width: 640 })),
    ...packager.setTrack(avcTrack),
    ...packager.setTrack(aacTrack),
  ];
  for (const p of syntheticPackets({ seconds: 1 })) out.push(...packager.packet(p));
  // One frame larger than the chunk size, to see continuation chunks.
  out.push(...packager.packet(videoPacket(1040, false, 99_999, 10_000)));
  return out;
}

describe('RtmpPackager', () => {
  it('starts every message with a type 0 chunk on csid 4/5/6, message stream 1', () => {
    const chunks = serialize(new RtmpPackager());
    for (const c of chunks) {
      const h = fmt0Header(c.bytes);
      expect(h.fmt).toBe(0);
      expect(h.streamId).toBe(1);
      const expected = { 8: RTMP_CSID.audio, 9: RTMP_CSID.video, 18: RTMP_CSID.data }[h.typeId];
      expect(h.csid).toBe(expected);
    }
  });

  it('carries the FLV tag bodies as message payloads, chunked at 4096 bytes', () => {
    const rtmp = serialize(new RtmpPackager());
    const flv = serialize(new FlvPackager());
    expect(rtmp.length).toBe(flv.length);
    const reader = new ChunkReader();
    reader.setChunkSize(RTMP_PLAY_CHUNK_SIZE);
    // Any viewer may start at any message: read from the middle.
    const from = 7;
    const messages = rtmp.slice(from).flatMap((c) => reader.push(c.bytes));
    expect(messages.length).toBe(rtmp.length - from);
    messages.forEach((m, i) => {
      const tag = (flv[from + i] as StreamChunk).bytes;
      expect(m.typeId).toBe(tag[0]);
      expect(m.timestamp).toBe((rtmp[from + i] as StreamChunk).dtsMs);
      expect(m.payload).toEqual(tag.subarray(11, tag.length - 4));
    });
    const big = rtmp[rtmp.length - 1] as StreamChunk;
    // 12-byte header, 4096 + 4096 + rest of the payload, a 1-byte fmt 3 header before each part.
    const payloadLength = fmt0Header(big.bytes).length;
    expect(payloadLength).toBeGreaterThan(2 * RTMP_PLAY_CHUNK_SIZE);
    expect(big.bytes.length).toBe(12 + payloadLength + 2);
    expect(big.bytes[12 + RTMP_PLAY_CHUNK_SIZE]).toBe(0xc0 + RTMP_CSID.video);
  });
});
