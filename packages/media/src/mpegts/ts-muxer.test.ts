import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAdtsHeader } from '../codecs/aac/aac-adts.js';
import { joinLengthPrefixed, splitAnnexB } from '../codecs/h264/annexb.js';
import { buildHvcC } from '../codecs/h265/h265-hvcc.js';
import {
  audioTrackFromAsc,
  audioTrackFromOpusHead,
  videoTrackFromAvcC,
  videoTrackFromHvcC,
} from '../codecs/track-config.js';
import { buildAvcC } from '../codecs/h264/h264-avcc.js';
import { InvalidArgumentError, MediaError, UnsupportedError } from '../errors.js';
import { crc32Mpeg2 } from '../io/crc32.js';
import { hex, toHex } from '../test-support/bytes.js';
import { expectOnlyMediaError, thrownMediaError } from '../test-support/fuzz.js';
import type { AudioTrack, MediaPacket, VideoTrack } from '../types.js';
import { opusControlHeader } from './ts-mux-audio.js';
import { TsMuxer } from './ts-muxer.js';

// Real parameter sets (libx264 / libx265 via ffmpeg 5.1).
const AVC_SPS = hex('6764001facd9405005beab0e1000000300100000030320f1831960');
const AVC_PPS = hex('68ebe3cb22c0');
const HEVC_VPS = hex('40010c01ffff01600000030090000003000003005d959809');
const HEVC_SPS = hex(
  '42010101600000030090000003000003005da00280802d1d565959a4932bc05a020000030002000003003210',
);
const HEVC_PPS = hex('4401c172b46240');
const AVC: VideoTrack = videoTrackFromAvcC(buildAvcC({ sps: AVC_SPS, pps: AVC_PPS }), 1000);
const HEVC: VideoTrack = videoTrackFromHvcC(
  buildHvcC({ vps: HEVC_VPS, sps: HEVC_SPS, pps: HEVC_PPS }),
  90000,
);
const AAC: AudioTrack = audioTrackFromAsc(hex('1210'), 44100); // LC, 44.1 kHz, stereo
const OPUS_HEAD = hex('4f707573486561640102380180bb0000000000');
const IDR = hex('65888400ff');
const SLICE = hex('419a2211');

/** Packets and PES of a transport stream, read independently of the muxer. */
interface Pes {
  pid: number;
  pts: number;
  dts: number;
  streamId: number;
  length: number;
  data: Uint8Array;
  randomAccess: boolean;
  pcr: number | undefined;
  /** Stream position (packet index) of the PES start. */
  at: number;
}

interface Demuxed {
  pes: Pes[];
  /** Every PCR with its packet index. */
  pcrs: { at: number; pid: number; value: number }[];
  ccs: Map<number, number[]>;
}

function ts33(b: Uint8Array, at: number): number {
  const x = (i: number): number => b[at + i] ?? 0;
  return (
    (Math.floor(x(0) / 2) % 8) * 2 ** 30 +
    (x(1) * 128 + Math.floor(x(2) / 2)) * 2 ** 15 +
    x(3) * 128 +
    Math.floor(x(4) / 2)
  );
}

function demux(ts: Uint8Array): Demuxed {
  expect(ts.length % 188).toBe(0);
  const open = new Map<
    number,
    { head: Omit<Pes, 'data' | 'pts' | 'dts' | 'streamId' | 'length'>; chunks: number[] }
  >();
  const pes: Pes[] = [];
  const pcrs: Demuxed['pcrs'] = [];
  const ccs = new Map<number, number[]>();
  const close = (pid: number): void => {
    const o = open.get(pid);
    if (o === undefined) return;
    const b = Uint8Array.from(o.chunks);
    expect(toHex(b.subarray(0, 3))).toBe('000001');
    const flags = b[7] ?? 0;
    const pts = ts33(b, 9);
    const dts = flags >= 0xc0 ? ts33(b, 14) : pts;
    const data = b.subarray(9 + (b[8] ?? 0));
    pes.push({
      ...o.head,
      pts,
      dts,
      streamId: b[3] ?? 0,
      length: (b[4] ?? 0) * 256 + (b[5] ?? 0),
      data,
    });
    open.delete(pid);
  };
  for (let i = 0; i * 188 < ts.length; i++) {
    const p = ts.subarray(i * 188, i * 188 + 188);
    expect(p[0]).toBe(0x47);
    const b1 = p[1] ?? 0;
    const pid = (b1 % 32) * 256 + (p[2] ?? 0);
    const afc = Math.floor((p[3] ?? 0) / 16) % 4;
    ccs.set(pid, [...(ccs.get(pid) ?? []), (p[3] ?? 0) % 16]);
    let payloadAt = 4;
    let randomAccess = false;
    let pcr: number | undefined;
    if (afc >= 2 && (p[4] ?? 0) > 0) {
      randomAccess = ((p[5] ?? 0) & 0x40) !== 0;
      if (((p[5] ?? 0) & 0x10) !== 0) {
        const x = (k: number): number => p[6 + k] ?? 0;
        pcr = x(0) * 2 ** 25 + x(1) * 2 ** 17 + x(2) * 2 ** 9 + x(3) * 2 + Math.floor(x(4) / 128);
        pcrs.push({ at: i, pid, value: pcr });
      }
    }
    if (afc >= 2) payloadAt = 5 + (p[4] ?? 0);
    if (afc % 2 === 0 || pid === 0 || pid === 0x1000) continue;
    if (b1 >= 0x40) {
      close(pid);
      open.set(pid, { head: { pid, randomAccess, pcr, at: i }, chunks: [] });
    }
    open.get(pid)?.chunks.push(...p.subarray(payloadAt));
  }
  for (const pid of [...open.keys()]) close(pid);
  pes.sort((a, b) => a.at - b.at);
  return { pes, pcrs, ccs };
}

function video(dts: number, keyframe: boolean, nals: Uint8Array[], pts = dts): MediaPacket {
  return { kind: 'video', dts, pts, timescale: 1000, keyframe, data: joinLengthPrefixed(nals, 4) };
}

function audio(dts: number, size = 20, timescale = 1000): MediaPacket {
  return {
    kind: 'audio',
    dts,
    pts: dts,
    timescale,
    keyframe: true,
    data: new Uint8Array(size).fill(0x21),
  };
}

describe('TsMuxer construction', () => {
  it('rejects AV1, two tracks of a kind, no track, and clashing or reserved PIDs', () => {
    const av1: VideoTrack = { ...AVC, codec: 'av1' };
    expect(thrownMediaError(() => new TsMuxer({ tracks: [av1] }))).toBeInstanceOf(UnsupportedError);
    for (const options of [
      { tracks: [AVC, HEVC] },
      { tracks: [AAC, AAC] },
      { tracks: [] },
      { tracks: [AVC], videoPid: 0x1000 },
      { tracks: [AVC, AAC], audioPid: 0x100 },
      { tracks: [AAC], audioPid: 0x1fff },
      { tracks: [AAC], pmtPid: 0x0f },
      { tracks: [{ ...AVC, config: hex('0164001fffe1') }] },
    ]) {
      expect(thrownMediaError(() => new TsMuxer(options))).toBeInstanceOf(InvalidArgumentError);
    }
  });

  it('refuses audio configs ADTS or the Opus descriptor cannot express', () => {
    const aacMain = new TsMuxer({ tracks: [audioTrackFromAsc(hex('0a10'), 44100)] });
    expect(aacMain.tables()).toHaveLength(376);
    const eld = { ...AAC, config: hex('f8f0212c00') }; // object type 39 (ER AAC ELD)
    expect(thrownMediaError(() => new TsMuxer({ tracks: [eld] }))).toBeInstanceOf(MediaError);
    const sixChannelsFamily0 = {
      ...audioTrackFromOpusHead(OPUS_HEAD, 48000),
      config: hex('000601380000bb800000000'),
    };
    expect(thrownMediaError(() => new TsMuxer({ tracks: [sixChannelsFamily0] }))).toBeInstanceOf(
      UnsupportedError,
    );
  });

  it('tables(): PAT then PMT, valid CRCs, counters advance per call', () => {
    const muxer = new TsMuxer({ tracks: [AVC, AAC] });
    const first = muxer.tables();
    const second = muxer.tables();
    expect(first).toHaveLength(376);
    expect(toHex(first.subarray(0, 4))).toBe('47400010');
    expect(toHex(first.subarray(188, 192))).toBe('47500010');
    expect(toHex(second.subarray(0, 4))).toBe('47400011');
    expect(crc32Mpeg2(first, 5, 5 + 16)).toBe(0);
    expect(crc32Mpeg2(first, 188 + 5, 188 + 5 + 3 + 0x17)).toBe(0);
    // stream types 0x1B on 0x100 and 0x0F on 0x101, PCR on the video PID
    expect(toHex(first.subarray(188 + 5 + 8, 188 + 5 + 22))).toBe('e100f0001be100f0000fe101f000');
  });
});

describe('TsMuxer video', () => {
  it('H.264: AUD first, SPS/PPS before an IDR that lacks them, RAI and PCR on keyframes', () => {
    const muxer = new TsMuxer({ tracks: [AVC] });
    const { pes } = demux(
      muxer.writePackets([video(0, true, [IDR]), video(40, false, [SLICE], 80)]),
    );
    expect(pes).toHaveLength(2);
    expect(splitAnnexB(pes[0]?.data ?? new Uint8Array(0))).toEqual([
      hex('09f0'),
      AVC_SPS,
      AVC_PPS,
      IDR,
    ]);
    expect(toHex(pes[0]?.data.subarray(0, 6) ?? new Uint8Array(0))).toBe('0000000109f0');
    expect(splitAnnexB(pes[1]?.data ?? new Uint8Array(0))).toEqual([hex('09f0'), SLICE]);
    expect(pes.map((p) => [p.streamId, p.randomAccess, p.pcr !== undefined])).toEqual([
      [0xe0, true, true],
      [0xe0, false, true], // 40 ms after the last PCR
    ]);
    expect(pes[1]).toMatchObject({ dts: 3600, pts: 7200 });
    expect(pes[0]?.length).toBe(3 + 5 + (pes[0]?.data.length ?? 0));
  });

  it('H.264: no duplicate parameter sets or AUDs; parameter sets also for keyframe-flagged non-IDR', () => {
    const muxer = new TsMuxer({ tracks: [AVC] });
    const sei = hex('0605ff');
    const { pes } = demux(
      muxer.writePackets([
        video(0, true, [hex('09f0'), AVC_SPS, AVC_PPS, sei, IDR]),
        video(40, true, [SLICE]),
        video(80, false, [hex('0910'), SLICE]),
      ]),
    );
    expect(pes.map((p) => splitAnnexB(p.data).map(toHex))).toEqual([
      ['09f0', toHex(AVC_SPS), toHex(AVC_PPS), '0605ff', toHex(IDR)],
      ['09f0', toHex(AVC_SPS), toHex(AVC_PPS), toHex(SLICE)],
      ['09f0', toHex(SLICE)],
    ]);
  });

  it('H.265: AUD type 35 with the picture TemporalId, VPS/SPS/PPS before IRAP only', () => {
    const muxer = new TsMuxer({ tracks: [HEVC] });
    const cra = hex('2a01af0c'); // CRA_NUT (21)
    const trail = hex('020280d0'); // TRAIL_R, TemporalId 1
    const { pes } = demux(
      muxer.writePackets([
        { ...video(0, false, [cra]), timescale: 90000 },
        { ...video(3000, false, [trail]), timescale: 90000 },
      ]),
    );
    expect(pes.map((p) => splitAnnexB(p.data).map(toHex))).toEqual([
      ['460150', toHex(HEVC_VPS), toHex(HEVC_SPS), toHex(HEVC_PPS), toHex(cra)],
      ['460250', toHex(trail)],
    ]);
    expect(pes[1]).toMatchObject({ dts: 3000, pts: 3000 });
  });

  it('video PES over 65535 bytes gets PES_packet_length 0', () => {
    const muxer = new TsMuxer({ tracks: [AVC] });
    const big = new Uint8Array(70000).fill(0x11);
    big[0] = 0x65;
    const { pes } = demux(muxer.writePacket(video(0, true, [big])));
    expect(pes[0]?.length).toBe(0);
    expect(pes[0]?.data.length).toBe(6 + 4 + 27 + 4 + 6 + 4 + 70000);
  });

  it('malformed length prefixes are a MediaError (fuzz), output is whole packets', () => {
    const muxer = new TsMuxer({ tracks: [AVC] });
    expectOnlyMediaError(
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.boolean()),
      ([data, keyframe]) => {
        const out = muxer.writePacket({
          kind: 'video',
          dts: 0,
          pts: 0,
          timescale: 1000,
          keyframe,
          data,
        });
        expect(out.length % 188).toBe(0);
        expect(out[0]).toBe(0x47);
      },
      300,
    );
  });
});

describe('TsMuxer audio', () => {
  it('AAC: ADTS per frame matching the config, audio-only marks RAI and carries the PCR', () => {
    const muxer = new TsMuxer({ tracks: [AAC] });
    const { pes, pcrs } = demux(muxer.writePackets([audio(0, 300, 44100), audio(1024, 5, 44100)]));
    expect(pes.map((p) => [p.pid, p.streamId, p.dts, p.randomAccess])).toEqual([
      [0x101, 0xc0, 0, true],
      [0x101, 0xc0, 2090, true],
    ]);
    const header = parseAdtsHeader(pes[0]?.data ?? new Uint8Array(0));
    expect(header).toMatchObject({
      objectType: 2,
      sampleRate: 44100,
      channelConfiguration: 2,
      frameLength: 307,
    });
    expect(pes[0]?.length).toBe(3 + 5 + 307);
    expect(pcrs.map((p) => p.pid)).toEqual([0x101]); // the second frame is only 23 ms later
  });

  it('MP3 at 22.05 kHz is stream type 0x04 and goes as is', () => {
    const mp3: AudioTrack = {
      kind: 'audio',
      codec: 'mp3',
      codecString: 'mp4a.6B',
      sampleRate: 22050,
      channels: 1,
      timescale: 1000,
      config: new Uint8Array(0),
    };
    const muxer = new TsMuxer({ tracks: [mp3] });
    expect(toHex(muxer.tables().subarray(188 + 5 + 12, 188 + 5 + 15))).toBe('04e101');
    const frame = hex('fff38400aabbcc');
    expect(demux(muxer.writePacket({ ...audio(0), data: frame })).pes[0]?.data).toEqual(frame);
    expect(() => muxer.writePacket(audio(26, 70000))).toThrow(InvalidArgumentError);
  });

  it('Opus: control header sizes with 0xFF runs, private_stream_1', () => {
    expect(toHex(opusControlHeader(0))).toBe('7fe000');
    expect(toHex(opusControlHeader(254))).toBe('7fe0fe');
    expect(toHex(opusControlHeader(255))).toBe('7fe0ff00');
    expect(toHex(opusControlHeader(600))).toBe('7fe0ffff5a');
    const muxer = new TsMuxer({ tracks: [audioTrackFromOpusHead(OPUS_HEAD, 48000)] });
    const { pes } = demux(muxer.writePacket({ ...audio(0, 300, 48000) }));
    expect(pes[0]?.streamId).toBe(0xbd);
    expect(toHex(pes[0]?.data.subarray(0, 4) ?? new Uint8Array(0))).toBe('7fe0ff2d');
    expect(pes[0]?.data.length).toBe(304);
  });
});

describe('TsMuxer timing', () => {
  it('PTS/DTS and PCR wrap at 2^33', () => {
    const muxer = new TsMuxer({ tracks: [AVC] });
    const base = 2 ** 33 + 100_000;
    const { pes, pcrs } = demux(
      muxer.writePacket({ ...video(base, true, [IDR], base + 3600), timescale: 90000 }),
    );
    expect(pes[0]).toMatchObject({ dts: 100_000, pts: 103_600 });
    expect(pcrs[0]?.value).toBe(100_000 - 9000);
  });

  it('PCR <= DTS, non-decreasing, at most 100 ms apart, PCR-only packets fill sparse video', () => {
    const muxer = new TsMuxer({ tracks: [AVC, AAC] });
    // 5 fps video (200 ms apart) and 21.3 ms audio frames, interleaved by DTS, 4 s.
    const packets: MediaPacket[] = [];
    for (let t = 0; t < 4000; t += 200)
      packets.push(video(t, t % 2000 === 0, [t % 2000 === 0 ? IDR : SLICE]));
    for (let k = 0; (k * 1024 * 1000) / 48000 < 4000; k++) packets.push(audio(k * 1024, 30, 48000));
    packets.sort((a, b) => a.dts / a.timescale - b.dts / b.timescale);
    const out = Buffer.concat([
      muxer.writePackets(packets.slice(0, 50)),
      muxer.writePackets(packets.slice(50)),
    ]);
    const { pes, pcrs } = demux(new Uint8Array(out));
    expect(pes).toHaveLength(packets.length);
    expect(pcrs.every((p) => p.pid === 0x100)).toBe(true);
    expect(pcrs.length).toBeGreaterThan(40);
    for (let i = 1; i < pcrs.length; i++) {
      const gap = (pcrs[i]?.value ?? 0) - (pcrs[i - 1]?.value ?? 0);
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(9000);
    }
    // Every PES that follows a PCR decodes no earlier than that PCR.
    for (const p of pes) {
      const before = pcrs.filter((c) => c.at <= p.at).at(-1);
      expect(before).toBeDefined();
      expect(before?.value ?? Infinity).toBeLessThanOrEqual(p.dts);
    }
  });

  it('rejects negative times and packets without a track; a failed batch changes nothing', () => {
    const a = new TsMuxer({ tracks: [AVC] });
    const b = new TsMuxer({ tracks: [AVC] });
    expect(() => a.writePacket(video(-1, true, [IDR]))).toThrow(InvalidArgumentError);
    expect(() => a.writePacket({ ...video(0, true, [IDR]), pts: -5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => a.writePacket(audio(0))).toThrow(InvalidArgumentError);
    expect(() => a.writePacket({ ...video(0, true, [IDR]), data: new Uint8Array(0) })).toThrow(
      InvalidArgumentError,
    );
    expect(() => a.writePackets([video(0, true, [IDR]), video(-40, false, [SLICE])])).toThrow(
      InvalidArgumentError,
    );
    const packets = [video(0, true, [IDR]), video(40, false, [SLICE]), video(80, false, [SLICE])];
    const batch = a.writePackets(packets);
    const single = Buffer.concat(packets.map((p) => b.writePacket(p)));
    expect(toHex(batch)).toBe(toHex(new Uint8Array(single)));
    expect(demux(batch).ccs.get(0x100)).toEqual([0, 1, 2]);
  });
});
