import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAv1C } from './av1/av1-config.js';
import { aacCodecString, av1CodecString, avcCodecString, hevcCodecString } from './codec-string.js';
import { splitAnnexB } from './h264/annexb.js';
import { buildAvcC, parseAvcC } from './h264/h264-avcc.js';
import { parseH264Sps } from './h264/h264-sps.js';
import {
  HEVC_NAL_PPS,
  HEVC_NAL_SPS,
  HEVC_NAL_VPS,
  buildHvcC,
  hvcCUnits,
  parseHvcC,
} from './h265/h265-hvcc.js';
import { parseH265Sps } from './h265/h265-sps.js';
import { videoTrackFromAv1C, videoTrackFromAvcC, videoTrackFromHvcC } from './track-config.js';
import { moovChild } from '../test-support/bytes.js';
import {
  ffmpeg,
  probeFirstStream,
  readBytes,
  useTempDir,
  type ProbedStream,
} from '../test-support/ffmpeg.js';

// ffmpeg/ffprobe are the external judge: 1-frame clips, parsed here, compared with ffprobe.
const dir = useTempDir('tidecast-codecs-video-');

function encode(name: string, size: string, rate: string, args: string[]): string {
  const out = join(dir, name);
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=${rate}`,
    '-frames:v',
    '1',
    ...args,
    out,
  ]);
  return out;
}

function ratio(num: number, den: number): string {
  return `${num}:${den}`;
}

function approxFrameRate(probed: string | number | undefined): number {
  const [n = '0', d = '1'] = String(probed).split('/');
  return Number(n) / Number(d);
}

/** SAR, frame rate and luma bit depth of a parsed H.264 / H.265 SPS against ffprobe. */
function expectSpsMatchesProbe(
  sps: { sarNum: number; sarDen: number; frameRate: number | undefined; bitDepthLuma: number },
  p: ProbedStream,
): void {
  const sar =
    p.sample_aspect_ratio === undefined || p.sample_aspect_ratio === '0:1'
      ? '1:1'
      : p.sample_aspect_ratio;
  expect(ratio(sps.sarNum, sps.sarDen)).toBe(sar);
  expect(sps.frameRate).toBeCloseTo(approxFrameRate(p.r_frame_rate), 6);
  expect(sps.bitDepthLuma).toBe(String(p.pix_fmt).includes('10') ? 10 : 8);
}

describe('H.264 against ffprobe', () => {
  const cases: { name: string; size: string; rate: string; args: string[]; codec?: string }[] = [
    { name: 'baseline', size: '1278x718', rate: '25', args: ['-profile:v', 'baseline'] },
    {
      name: 'main-sar',
      size: '640x360',
      rate: '30000/1001',
      args: ['-profile:v', 'main', '-vf', 'setsar=12/11'],
    },
    {
      name: 'high-720p',
      size: '1280x720',
      rate: '25',
      args: ['-profile:v', 'high'],
      codec: 'avc1.64001f',
    },
    {
      name: 'high-extsar',
      size: '352x288',
      rate: '50',
      args: ['-vf', 'setsar=5/7', '-x264-params', 'cqm=jvt'],
    },
    { name: 'high10', size: '1278x718', rate: '24', args: ['-pix_fmt', 'yuv420p10le'] },
    {
      name: 'high444',
      size: '320x240', // testsrc2 rounds odd sizes down, so scale afterwards
      rate: '25',
      args: ['-vf', 'scale=321:241,format=yuv444p', '-x264-params', 'cqm=jvt'],
    },
    { name: 'high422', size: '320x240', rate: '25', args: ['-vf', 'scale=318:242,format=yuv422p'] },
    {
      name: 'interlaced',
      size: '1278x716',
      rate: '25',
      args: ['-flags', '+ildct+ilme', '-x264-params', 'tff=1'],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: SPS and avcC match ffprobe and ffmpeg's own avcC`, () => {
      const h264 = encode(`${c.name}.h264`, c.size, c.rate, [
        '-c:v',
        'libx264',
        ...c.args,
        '-f',
        'h264',
      ]);
      const mp4 = encode(`${c.name}.mp4`, c.size, c.rate, ['-c:v', 'libx264', ...c.args]);
      const units = splitAnnexB(readBytes(h264));
      const spsNal = units.find((u) => (u[0] ?? 0) % 32 === 7);
      const ppsNal = units.find((u) => (u[0] ?? 0) % 32 === 8);
      if (spsNal === undefined || ppsNal === undefined) throw new Error('no SPS/PPS in the stream');
      const sps = parseH264Sps(spsNal);
      const p = probeFirstStream(h264);
      expect(`${sps.width}x${sps.height}`).toBe(`${p.width}x${p.height}`);
      expect(sps.levelIdc).toBe(p.level);
      expectSpsMatchesProbe(sps, p);
      const chroma = String(p.pix_fmt).startsWith('yuv444')
        ? 3
        : String(p.pix_fmt).startsWith('yuv422')
          ? 2
          : 1;
      expect(sps.chromaFormatIdc).toBe(chroma);
      expect(sps.frameMbsOnly).toBe(c.name !== 'interlaced');

      const avcCBytes = moovChild(readBytes(mp4), 'avcC');
      const avcC = parseAvcC(avcCBytes);
      expect(avcC.sps[0]).toEqual(spsNal);
      expect(avcC.pps[0]).toEqual(ppsNal);
      expect(avcC.lengthSize).toBe(4);
      expect(buildAvcC({ sps: spsNal, pps: ppsNal })).toEqual(avcCBytes);
      if (c.codec !== undefined) expect(avcCodecString(avcC)).toBe(c.codec);

      const track = videoTrackFromAvcC(avcCBytes, 1000);
      expect([track.width, track.height, track.sarNum, track.sarDen]).toEqual([
        sps.width,
        sps.height,
        sps.sarNum,
        sps.sarDen,
      ]);
      expect(track.codecString).toBe(avcCodecString(avcC));
    });
  }

  it('codec string agrees with the CODECS attribute ffmpeg writes in an HLS master playlist', () => {
    const hls = mkdtempSync(join(dir, 'hls-'));
    // ffmpeg 5.1 writes CODECS only when the variant has audio too, so add one second of both.
    const inputs = [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=640x360:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=r=48000',
    ];
    const codecArgs = ['-t', '1', '-c:v', 'libx264', '-profile:v', 'main', '-c:a', 'aac'];
    const hlsArgs = [
      '-f',
      'hls',
      '-hls_segment_type',
      'fmp4',
      '-master_pl_name',
      'm.m3u8',
      'o.m3u8',
    ];
    ffmpeg([...inputs, ...codecArgs, ...hlsArgs], hls);
    const master = readFileSync(join(hls, 'm.m3u8'), 'utf8');
    const codecs = /CODECS="([^"]+)"/.exec(master)?.[1];
    const avcC = parseAvcC(moovChild(readBytes(join(hls, 'init.mp4')), 'avcC'));
    expect(codecs).toBe(`${avcCodecString(avcC)},${aacCodecString(2)}`);
    expect(codecs).toMatch(/^avc1\.4d40[0-9a-f]{2},/);
  });
});

describe('H.265 against ffprobe', () => {
  const x265 = (extra: string): string[] => ['-x265-params', `log-level=error${extra}`];
  const cases: { name: string; size: string; rate: string; args: string[]; codec?: string }[] = [
    { name: 'main', size: '1278x718', rate: '25', args: x265(''), codec: 'hvc1.1.6.L93.90' },
    {
      name: 'main10',
      size: '640x360',
      rate: '30000/1001',
      args: ['-pix_fmt', 'yuv420p10le', ...x265('')],
    },
    {
      name: 'rext444',
      size: '320x240',
      rate: '25',
      args: ['-vf', 'scale=321:241,format=yuv444p', ...x265(':scaling-list=default')],
    },
    {
      name: 'sar',
      size: '352x288',
      rate: '50',
      args: ['-vf', 'setsar=4/3', ...x265(':temporal-layers=1')],
    },
    {
      name: 'extsar',
      size: '320x240',
      rate: '24',
      args: ['-vf', 'setsar=5/7', ...x265(':temporal-layers=3')],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: SPS and hvcC match ffprobe and ffmpeg's own hvcC`, () => {
      const raw = encode(`${c.name}.hevc`, c.size, c.rate, [
        '-c:v',
        'libx265',
        ...c.args,
        '-f',
        'hevc',
      ]);
      const mp4 = encode(`${c.name}-hevc.mp4`, c.size, c.rate, [
        '-c:v',
        'libx265',
        ...c.args,
        '-tag:v',
        'hvc1',
      ]);
      const units = splitAnnexB(readBytes(raw));
      const ofType = (t: number): Uint8Array => {
        const u = units.find((n) => Math.floor((n[0] ?? 0) / 2) === t);
        if (u === undefined) throw new Error(`no NAL of type ${t}`);
        return u;
      };
      const sps = parseH265Sps(ofType(HEVC_NAL_SPS));
      const p = probeFirstStream(raw);
      expect(`${sps.width}x${sps.height}`).toBe(`${p.width}x${p.height}`);
      expect(`${sps.codedWidth}x${sps.codedHeight}`).toBe(`${p.coded_width}x${p.coded_height}`);
      expect(sps.generalLevelIdc).toBe(p.level);
      expectSpsMatchesProbe(sps, p);
      expect(sps.chromaFormatIdc).toBe(String(p.pix_fmt).startsWith('yuv444') ? 3 : 1);
      expect(sps.generalProfileIdc).toBe({ Main: 1, 'Main 10': 2, Rext: 4 }[String(p.profile)]);

      const hvcCBytes = moovChild(readBytes(mp4), 'hvcC');
      const hvcC = parseHvcC(hvcCBytes);
      expect(hvcCUnits(hvcC, HEVC_NAL_SPS)[0]).toEqual(ofType(HEVC_NAL_SPS));
      expect(hvcCUnits(hvcC, HEVC_NAL_PPS)[0]).toEqual(ofType(HEVC_NAL_PPS));
      expect(hvcC.lengthSize).toBe(4);
      expect(hvcC.generalProfileIdc).toBe(sps.generalProfileIdc);
      expect(hvcC.generalProfileCompatibilityFlags).toBe(sps.generalProfileCompatibilityFlags);
      expect(hvcC.generalConstraintIndicatorFlags).toEqual(sps.generalConstraintIndicatorFlags);
      expect([hvcC.chromaFormat, hvcC.bitDepthLuma, hvcC.bitDepthChroma]).toEqual([
        sps.chromaFormatIdc,
        sps.bitDepthLuma,
        sps.bitDepthChroma,
      ]);
      expect(hvcC.numTemporalLayers).toBe(sps.maxSubLayersMinus1 + 1);
      if (c.codec !== undefined) expect(hevcCodecString(hvcC)).toBe(c.codec);

      // Our record differs from ffmpeg's only in fields we leave unspecified (parallelism, frame rate, SEI).
      const rebuilt = parseHvcC(
        buildHvcC({
          vps: ofType(HEVC_NAL_VPS),
          sps: ofType(HEVC_NAL_SPS),
          pps: ofType(HEVC_NAL_PPS),
        }),
      );
      const {
        arrays: _a,
        parallelismType: _p,
        avgFrameRate: _f,
        minSpatialSegmentationIdc: _m,
        ...rest
      } = rebuilt;
      const {
        arrays: _b,
        parallelismType: _q,
        avgFrameRate: _g,
        minSpatialSegmentationIdc: _n,
        ...want
      } = hvcC;
      expect(rest).toEqual(want);
      expect(rebuilt.arrays.map((a) => a.nalUnitType)).toEqual([32, 33, 34]);
      expect(hevcCodecString(rebuilt)).toBe(hevcCodecString(hvcC));

      const track = videoTrackFromHvcC(hvcCBytes, 90000);
      expect([track.codec, track.width, track.height, track.sarNum, track.sarDen]).toEqual([
        'hevc',
        sps.width,
        sps.height,
        sps.sarNum,
        sps.sarDen,
      ]);
    });
  }
});

describe('AV1 against ffprobe', () => {
  const cases: { name: string; size: string; args: string[]; codec: string }[] = [
    { name: 'svt', size: '320x240', args: ['-c:v', 'libsvtav1'], codec: 'av01.0.00M.08' },
    {
      name: 'svt10',
      size: '1280x720',
      args: ['-c:v', 'libsvtav1', '-pix_fmt', 'yuv420p10le'],
      codec: 'av01.0.05M.10',
    },
    {
      name: 'aom',
      size: '322x242',
      args: ['-c:v', 'libaom-av1', '-cpu-used', '8'],
      codec: 'av01.0.00M.08',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: av1C and its sequence header match ffprobe`, () => {
      const mp4 = encode(`${c.name}-av1.mp4`, c.size, '25', c.args);
      const p = probeFirstStream(mp4);
      const cfg = parseAv1C(moovChild(readBytes(mp4), 'av1C'));
      expect(cfg.sequenceHeader).toBeDefined();
      expect(`${cfg.sequenceHeader?.maxFrameWidth}x${cfg.sequenceHeader?.maxFrameHeight}`).toBe(
        `${p.width}x${p.height}`,
      );
      expect(cfg.seqLevelIdx0).toBe(p.level);
      expect(cfg.seqLevelIdx0).toBe(cfg.sequenceHeader?.seqLevelIdx0);
      expect(cfg.seqProfile).toBe(cfg.sequenceHeader?.seqProfile);
      expect(cfg.bitDepth).toBe(String(p.pix_fmt).includes('10') ? 10 : 8);
      expect(cfg.chromaSubsamplingX && cfg.chromaSubsamplingY).toBe(true);
      expect(av1CodecString(cfg)).toBe(c.codec);
      const track = videoTrackFromAv1C(moovChild(readBytes(mp4), 'av1C'), 1000);
      expect([track.codecString, track.width, track.height]).toEqual([c.codec, p.width, p.height]);
    });
  }
});
