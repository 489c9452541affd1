import { describe, expect, it } from 'vitest';
import { Amf0EcmaArray } from '../amf/amf0-types.js';
import { InvalidArgumentError, MalformedError } from '../errors.js';
import type { AudioTrack, DemuxEvent, MediaPacket, VideoTrack } from '../types.js';
import { FlvDemuxer } from './flv-demuxer.js';
import { FlvMuxer } from './flv-muxer.js';
import { opusHeadFromDops } from './flv-opus.js';

const AVCC = hex('0142c00affe100156742c00ada11ec0440000003004000000c83c489a801000468ce0fc8');

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
}

const avc: VideoTrack = {
  kind: 'video',
  codec: 'avc',
  codecString: 'avc1.42c00a',
  width: 64,
  height: 48,
  sarNum: 1,
  sarDen: 1,
  timescale: 90000,
  config: AVCC,
};
const hevc: VideoTrack = {
  ...avc,
  codec: 'hevc',
  codecString: 'hvc1.1.6.L30.90',
  config: new Uint8Array(23),
};
const av1: VideoTrack = {
  ...avc,
  codec: 'av1',
  codecString: 'av01.0.00M.08',
  config: hex('81000c00'),
};
const aac: AudioTrack = {
  kind: 'audio',
  codec: 'aac',
  codecString: 'mp4a.40.2',
  sampleRate: 44100,
  channels: 1,
  timescale: 44100,
  config: hex('1208'),
};
const mp3 = (sampleRate: number, channels: number): AudioTrack => ({
  ...aac,
  codec: 'mp3',
  codecString: 'mp4a.6B',
  sampleRate,
  channels,
  config: new Uint8Array(0),
});
/** dOps for stereo, pre-skip 312, 48 kHz input, gain -1, family 0 (Opus in ISOBMFF 4.3.2). */
const DOPS = hex('0002013800 00bb80 ffff 00'.replace(/ /g, ''));
const opus: AudioTrack = {
  ...aac,
  codec: 'opus',
  codecString: 'opus',
  sampleRate: 48000,
  channels: 2,
  config: DOPS,
};

const packet = (over: Partial<MediaPacket>): MediaPacket => ({
  kind: 'video',
  dts: 0,
  pts: 0,
  timescale: 1000,
  keyframe: true,
  data: Uint8Array.of(0, 0, 0, 1, 0x65),
  ...over,
});

const muxer = new FlvMuxer();

describe('FlvMuxer layout (FLV spec v10.1 Annex E)', () => {
  it('writes the header and PreviousTagSize0', () => {
    expect(muxer.header({ hasVideo: true, hasAudio: true })).toEqual(
      hex('464c5601050000000900000000'),
    );
    expect(muxer.header({ hasVideo: false, hasAudio: true })[4]).toBe(4);
    expect(muxer.header({ hasVideo: true, hasAudio: false })[4]).toBe(1);
  });

  it('writes an AVC frame tag byte for byte, with extended timestamp and negative CTS', () => {
    const tag = muxer.packet(packet({ dts: 0x01020304, pts: 0x01020303, keyframe: false }), {
      ...avc,
      timescale: 1000,
    });
    expect(tag).toEqual(
      hex('09 00000a 020304 01 000000 27 01 ffffff 0000000165 00000015'.replace(/ /g, '')),
    );
  });

  it('converts ticks to milliseconds by rounding', () => {
    const tag = muxer.packet(packet({ dts: 90 * 1001, pts: 90 * 1041, timescale: 90000 }), avc);
    expect(Array.from(tag.subarray(4, 8))).toEqual([0, 0x03, 0xe9, 0]); // 1001 ms
    expect(Array.from(tag.subarray(13, 16))).toEqual([0, 0, 40]);
  });

  it('rejects timestamps FLV cannot hold and oversized bodies', () => {
    expect(() => muxer.packet(packet({ dts: -1, pts: 0 }), avc)).toThrow(InvalidArgumentError);
    expect(() => muxer.packet(packet({ dts: 2 ** 32, pts: 2 ** 32 }), avc)).toThrow(
      InvalidArgumentError,
    );
    expect(() => muxer.packet(packet({ dts: 0, pts: 0x800000 }), avc)).toThrow(
      InvalidArgumentError,
    );
    expect(() => muxer.packet(packet({ timescale: 0 }), avc)).toThrow(InvalidArgumentError);
    expect(() => muxer.packet(packet({ data: new Uint8Array(0xffffff) }), avc)).toThrow(
      InvalidArgumentError,
    );
    expect(() => muxer.packet(packet({ kind: 'audio' }), avc)).toThrow(InvalidArgumentError);
    expect(
      muxer.packet(packet({ dts: 2 ** 32 - 1, pts: 2 ** 32 - 1 }), { ...avc, timescale: 1000 })[7],
    ).toBe(0xff);
  });

  it('writes AVC/AAC sequence headers in legacy form, with 4-byte NAL lengths in the avcC', () => {
    const avcc2 = new Uint8Array(AVCC);
    avcc2[4] = 0xfd;
    const seq = muxer.sequenceHeader({ ...avc, config: avcc2 });
    expect(Array.from(seq?.subarray(11, 16) ?? [])).toEqual([0x17, 0, 0, 0, 0]);
    expect(seq?.subarray(16, -4)).toEqual(AVCC);
    expect(Array.from(muxer.sequenceHeader(aac)?.subarray(11, 15) ?? [])).toEqual([
      0xaf, 0, 0x12, 0x08,
    ]);
    expect(() => muxer.sequenceHeader({ ...avc, config: Uint8Array.of(1, 2) })).toThrow(
      MalformedError,
    );
  });

  it('writes AAC as 0xAF and MP3 flags from the track, with no MP3 sequence header', () => {
    const a = packet({ kind: 'audio', data: Uint8Array.of(1) });
    expect(muxer.packet(a, aac).subarray(11, 13)).toEqual(Uint8Array.of(0xaf, 1));
    expect(muxer.packet(a, mp3(44100, 2))[11]).toBe(0x2f);
    expect(muxer.packet(a, mp3(48000, 2))[11]).toBe(0x2f);
    expect(muxer.packet(a, mp3(22050, 1))[11]).toBe(0x2a);
    expect(muxer.packet(a, mp3(8000, 1))[11]).toBe(0x22);
    expect(muxer.sequenceHeader(mp3(44100, 2))).toBeUndefined();
  });

  it('writes HEVC, AV1 and Opus in Enhanced RTMP form, HEVC legacy on request', () => {
    const frame = (track: VideoTrack, p: MediaPacket, m = muxer): number[] =>
      Array.from(m.packet(p, track).subarray(11, 19));
    expect(frame(hevc, packet({ pts: 0 }))).toEqual([0x93, 0x68, 0x76, 0x63, 0x31, 0, 0, 0]);
    expect(frame(hevc, packet({ pts: 40, keyframe: false }))).toEqual([
      0xa1, 0x68, 0x76, 0x63, 0x31, 0, 0, 40,
    ]);
    expect(frame(hevc, packet({ pts: 40 }), new FlvMuxer({ hevcLegacyCodecId12: true }))).toEqual([
      0x1c, 1, 0, 0, 40, 0, 0, 0,
    ]);
    expect(frame(av1, packet({ pts: 40 }))).toEqual([0x91, 0x61, 0x76, 0x30, 0x31, 0, 0, 0]);
    expect(Array.from(muxer.sequenceHeader(av1)?.subarray(11, 20) ?? [])).toEqual([
      0x90, 0x61, 0x76, 0x30, 0x31, 0x81, 0, 0x0c, 0,
    ]);
    const a = packet({ kind: 'audio', data: Uint8Array.of(0xfc) });
    expect(Array.from(muxer.packet(a, opus).subarray(11, 17))).toEqual([
      0x91, 0x4f, 0x70, 0x75, 0x73, 0xfc,
    ]);
    expect(muxer.sequenceHeader(opus)?.subarray(16, -4)).toEqual(opusHeadFromDops(DOPS));
  });

  it('writes script tags that the demuxer reads back', () => {
    const meta = new Amf0EcmaArray({ width: 64, height: 48 });
    const events: DemuxEvent[] = new FlvDemuxer().push(
      Uint8Array.from([
        ...muxer.header({ hasVideo: true, hasAudio: false }),
        ...muxer.script('onMetaData', meta, 7),
      ]),
    );
    expect(events).toEqual([{ type: 'script', name: 'onMetaData', value: meta, dts: 7 }]);
  });
});

describe('opusHeadFromDops (RFC 7845 5.1 from Opus-in-ISOBMFF 4.3.2)', () => {
  it('rebuilds the OpusHead with little-endian fields', () => {
    expect(opusHeadFromDops(DOPS)).toEqual(hex('4f707573486561640102380180bb0000ffff00'));
  });

  it('carries the channel mapping table for family 1', () => {
    const dops = hex('0003013800 00bb80 0000 01 02 01 000102'.replace(/ /g, ''));
    const head = opusHeadFromDops(dops);
    expect(Array.from(head.subarray(18))).toEqual([1, 2, 1, 0, 1, 2]);
    expect(() => opusHeadFromDops(dops.subarray(0, 14))).toThrow(MalformedError);
    expect(() => opusHeadFromDops(dops.subarray(0, 5))).toThrow(MalformedError);
  });
});
