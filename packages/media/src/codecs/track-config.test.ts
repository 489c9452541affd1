import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAvcC } from './h264/h264-avcc.js';
import { buildHvcC } from './h265/h265-hvcc.js';
import {
  audioTrackFromAsc,
  audioTrackFromMp3Frame,
  audioTrackFromOpusHead,
  videoTrackFromAv1C,
  videoTrackFromAvcC,
  videoTrackFromHvcC,
} from './track-config.js';
import { hex } from '../test-support/bytes.js';
import { expectOnlyMediaError } from '../test-support/fuzz.js';

// Real parameter sets (libx264 / libx265 / libsvtav1 via ffmpeg 5.1).
const AVC_SPS = hex('6764001facd9405005beab0e1000000300100000030320f1831960');
const AVC_PPS = hex('68ebe3cb22c0');
const HEVC_VPS = hex('40010c01ffff01600000030090000003000003005d959809');
const HEVC_SPS = hex(
  '42010101600000030090000003000003005da00280802d1d565959a4932bc05a020000030002000003003210',
);
const HEVC_PPS = hex('4401c172b46240');
const AV1C = hex('81000c000a0b000000043cffbc02f80040');
const OPUS_HEAD = Uint8Array.of(
  0x4f,
  0x70,
  0x75,
  0x73,
  0x48,
  0x65,
  0x61,
  0x64,
  1,
  2,
  0x38,
  1,
  0x80,
  0xbb,
  0,
  0,
  0,
  0,
  0,
);

describe('track-config', () => {
  it('video tracks carry size, SAR, rate, codec string and a copy of the config', () => {
    const avcC = buildAvcC({ sps: AVC_SPS, pps: AVC_PPS });
    const avc = videoTrackFromAvcC(avcC, 1000);
    expect(avc).toEqual({
      kind: 'video',
      codec: 'avc',
      codecString: 'avc1.64001f',
      width: 1278,
      height: 718,
      sarNum: 4,
      sarDen: 3,
      frameRate: 25,
      timescale: 1000,
      config: avcC,
    });
    avcC[1] = 0;
    expect(avc.config[1]).toBe(0x64); // not a view of the caller's buffer

    const hevc = videoTrackFromHvcC(
      buildHvcC({ vps: HEVC_VPS, sps: HEVC_SPS, pps: HEVC_PPS }),
      90000,
    );
    expect(hevc).toMatchObject({
      codec: 'hevc',
      codecString: 'hvc1.1.6.L93.90',
      width: 1278,
      height: 718,
    });
    expect([hevc.frameRate, hevc.timescale]).toEqual([25, 90000]);

    const av1 = videoTrackFromAv1C(AV1C, 1000);
    expect(av1).toMatchObject({
      codec: 'av1',
      codecString: 'av01.0.00M.08',
      width: 320,
      height: 240,
      sarNum: 1,
    });
    expect(videoTrackFromAv1C(AV1C.subarray(0, 4), 1000)).toMatchObject({ width: 0, height: 0 });
  });

  it('audio tracks report the decoder output', () => {
    expect(audioTrackFromAsc(hex('2b920800'), 44100)).toEqual({
      kind: 'audio',
      codec: 'aac',
      codecString: 'mp4a.40.5',
      sampleRate: 44100,
      channels: 2,
      timescale: 44100,
      config: hex('2b920800'),
    });
    expect(audioTrackFromMp3Frame(hex('fff3 84c4'.replace(' ', '')), 1000)).toMatchObject({
      codec: 'mp3',
      codecString: 'mp4a.6B',
      sampleRate: 24000,
      channels: 1,
      config: new Uint8Array(0),
    });
    const opus = audioTrackFromOpusHead(OPUS_HEAD, 48000);
    expect(opus).toMatchObject({
      codec: 'opus',
      codecString: 'opus',
      sampleRate: 48000,
      channels: 2,
    });
    expect(opus.config).toEqual(Uint8Array.of(0, 2, 0x01, 0x38, 0, 0, 0xbb, 0x80, 0, 0, 0));
  });

  it('missing parameter sets are MALFORMED', () => {
    expect(() => videoTrackFromAvcC(hex('0164001fffe000'), 1000)).toThrow(
      expect.objectContaining({ code: 'MALFORMED' }),
    );
    const noArrays = buildHvcC({ vps: HEVC_VPS, sps: HEVC_SPS, pps: HEVC_PPS }).slice(0, 23);
    noArrays[22] = 0; // numOfArrays
    expect(() => videoTrackFromHvcC(noArrays, 1000)).toThrow(/no SPS/);
  });

  it('fuzz: every bridge only throws MediaError', () => {
    const bridges = [
      videoTrackFromAvcC,
      videoTrackFromHvcC,
      videoTrackFromAv1C,
      audioTrackFromAsc,
      audioTrackFromMp3Frame,
      audioTrackFromOpusHead,
    ];
    const inputs = fc.tuple(fc.constantFrom(...bridges), fc.uint8Array({ maxLength: 48 }));
    expectOnlyMediaError(
      inputs,
      ([bridge, bytes]) => {
        expect(bridge(bytes, 1000).timescale).toBe(1000);
      },
      3000,
    );
  });
});
