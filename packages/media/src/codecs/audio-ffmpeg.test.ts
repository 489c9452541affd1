import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adtsToAsc, splitAdtsFrames } from './aac/aac-adts.js';
import { parseAudioSpecificConfig } from './aac/aac-asc.js';
import { parseMp3Header } from './mp3/mp3-header.js';
import { buildDOps, parseOpusHead } from './opus/opus-head.js';
import {
  audioTrackFromAsc,
  audioTrackFromMp3Frame,
  audioTrackFromOpusHead,
} from './track-config.js';
import { moovChild } from '../test-support/bytes.js';
import { ffmpeg, probeFirstStream, readBytes, useTempDir } from '../test-support/ffmpeg.js';

// ffmpeg/ffprobe are the external judge: 1-second clips, parsed here, compared with ffprobe.
const dir = useTempDir('tidecast-codecs-audio-');

function encode(name: string, rate: number, channels: number, args: string[]): Uint8Array {
  const out = join(dir, name);
  const src = `sine=frequency=440:sample_rate=${rate}:duration=1`;
  ffmpeg(['-f', 'lavfi', '-i', src, '-ac', String(channels), ...args, out]);
  return readBytes(out);
}

const probe = (name: string) => probeFirstStream(join(dir, name), ['-count_packets']);

/** esds (ISO/IEC 14496-1 7.2.6.5/6): objectTypeIndication and DecoderSpecificInfo bytes. */
function readEsds(esds: Uint8Array): { oti: number; dsi: Uint8Array | undefined } {
  let p = 4; // version + flags
  const descriptor = (): { tag: number; len: number } => {
    const tag = esds[p++] ?? 0;
    let len = 0;
    for (let i = 0; i < 4; i++) {
      const b = esds[p++] ?? 0;
      len = len * 128 + (b % 128);
      if (b < 128) break;
    }
    return { tag, len };
  };
  expect(descriptor().tag).toBe(0x03); // ES_Descriptor
  const flags = esds[p + 2] ?? 0;
  p += 3; // ES_ID, flags
  if (flags >= 0x80) p += 2; // dependsOn_ES_ID
  if (flags % 128 >= 0x40) p += 1 + (esds[p] ?? 0); // URL
  if (flags % 64 >= 0x20) p += 2; // OCR_ES_Id
  expect(descriptor().tag).toBe(0x04); // DecoderConfigDescriptor
  const oti = esds[p] ?? 0;
  p += 13;
  if (esds[p] !== 0x05) return { oti, dsi: undefined };
  const dsi = descriptor();
  return { oti, dsi: esds.subarray(p, p + dsi.len) };
}

describe('AAC against ffprobe', () => {
  for (const [rate, channels] of [
    [44100, 1],
    [48000, 2],
    [22050, 2],
    [48000, 6],
  ] as const) {
    it(`ADTS ${rate} Hz x${channels}: every frame found, config equals the MP4 AudioSpecificConfig`, () => {
      const name = `aac-${rate}-${channels}`;
      const adts = encode(`${name}.aac`, rate, channels, ['-c:a', 'aac', '-f', 'adts']);
      const p = probe(`${name}.aac`);
      const split = splitAdtsFrames(adts);
      expect(split.consumed).toBe(adts.length);
      expect(split.skipped).toBe(0);
      expect(split.frames.length).toBe(Number(p.nb_read_packets));
      const first = split.frames[0];
      if (first === undefined) throw new Error('no ADTS frame');
      expect(first.header.sampleRate).toBe(Number(p.sample_rate));
      expect(first.header.channelConfiguration).toBe(p.channels);
      expect(first.header.objectType).toBe(2);

      const mp4 = encode(`${name}.mp4`, rate, channels, ['-c:a', 'aac']);
      const esds = readEsds(moovChild(mp4, 'esds'));
      expect(esds.oti).toBe(0x40);
      // FFmpeg appends the backward-compatible SBR extension (0x2b7, sbrPresentFlag 0) after 2 bytes.
      expect(esds.dsi?.subarray(0, 2)).toEqual(adtsToAsc(first.header));
      const cfg = parseAudioSpecificConfig(esds.dsi ?? new Uint8Array(0));
      expect([cfg.objectType, cfg.sampleRate, cfg.channels]).toEqual([
        2,
        Number(p.sample_rate),
        p.channels,
      ]);
      expect([cfg.sbr, cfg.ps, cfg.extensionObjectType]).toEqual([false, false, 0]);
      const track = audioTrackFromAsc(esds.dsi ?? new Uint8Array(0), rate);
      expect([track.codecString, track.sampleRate, track.channels]).toEqual([
        'mp4a.40.2',
        rate,
        channels,
      ]);
    });
  }

  it('recovers sync after junk inserted between frames', () => {
    const adts = encode('aac-junk.aac', 48000, 2, ['-c:a', 'aac', '-f', 'adts']);
    const clean = splitAdtsFrames(adts).frames;
    const second = clean[1];
    if (second === undefined) throw new Error('need two frames');
    const junk = Uint8Array.of(0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc, 0x00, 0xff, 0xf0, 0x12);
    const mixed = new Uint8Array(adts.length + junk.length);
    mixed.set(adts.subarray(0, second.offset));
    mixed.set(junk, second.offset);
    mixed.set(adts.subarray(second.offset), second.offset + junk.length);
    const split = splitAdtsFrames(mixed);
    expect(split.frames.length).toBe(clean.length);
    expect(split.skipped).toBe(junk.length);
    expect(split.frames[1]?.payload).toEqual(second.payload);
  });
});

describe('MP3 against ffprobe', () => {
  for (const [rate, channels, version, codec] of [
    [44100, 2, 1, 'libmp3lame'],
    [22050, 1, 2, 'libmp3lame'],
    [8000, 1, 2.5, 'libmp3lame'],
    [48000, 2, 1, 'mp2'],
  ] as const) {
    it(`${codec} ${rate} Hz x${channels}: frame lengths walk the whole file`, () => {
      const name = `${codec}-${rate}-${channels}.mp3`;
      const raw =
        codec === 'mp2'
          ? ['-c:a', 'mp2', '-f', 'mp2']
          : ['-c:a', codec, '-id3v2_version', '0', '-write_xing', '0', '-f', 'mp3'];
      const bytes = encode(name, rate, channels, raw);
      const p = probe(name);
      let offset = 0;
      let frames = 0;
      while (offset < bytes.length) {
        const h = parseMp3Header(bytes, offset);
        expect([h.version, h.layer, h.sampleRate, h.channels]).toEqual([
          version,
          codec === 'mp2' ? 2 : 3,
          rate,
          channels,
        ]);
        offset += h.frameLength;
        frames++;
      }
      expect(offset).toBe(bytes.length);
      expect(frames).toBe(Number(p.nb_read_packets));
      const track = audioTrackFromMp3Frame(bytes, 1000);
      expect([track.sampleRate, track.channels, track.config.length]).toEqual([
        Number(p.sample_rate),
        p.channels,
        0,
      ]);
    });
  }

  it('mp4a.6B is the objectTypeIndication ffmpeg writes for MP3 in MP4', () => {
    const mp4 = encode('mp3.mp4', 44100, 2, ['-c:a', 'libmp3lame']);
    const oti = readEsds(moovChild(mp4, 'esds')).oti;
    expect(`mp4a.${oti.toString(16).toUpperCase()}`).toBe(
      audioTrackFromMp3Frame(Uint8Array.of(0xff, 0xfb, 0x90, 0x64), 1000).codecString,
    );
  });
});

describe('Opus against ffprobe', () => {
  for (const channels of [1, 2, 6]) {
    it(`${channels} channel(s): OpusHead from Ogg matches ffprobe; dOps equals ffmpeg's MP4 dOps`, () => {
      const name = `opus-${channels}`;
      const ogg = encode(`${name}.ogg`, 48000, channels, ['-c:a', 'libopus']);
      // The first Ogg page (RFC 3533 6) holds only OpusHead: 27-byte header, segment table, packet.
      const segments = ogg[26] ?? 0;
      let length = 0;
      for (let i = 0; i < segments; i++) length += ogg[27 + i] ?? 0;
      const packet = ogg.subarray(27 + segments, 27 + segments + length);
      const head = parseOpusHead(packet);
      const p = probe(`${name}.ogg`);
      expect(head.channels).toBe(p.channels);
      expect(head.mappingFamily).toBe(channels > 2 ? 1 : 0);
      expect(head.preSkip).toBeGreaterThan(0);

      const mp4 = encode(`${name}.mp4`, 48000, channels, ['-c:a', 'libopus']);
      const dOps = moovChild(mp4, 'dOps');
      expect(buildDOps(head)).toEqual(dOps);
      const track = audioTrackFromOpusHead(packet, 48000);
      expect([track.codecString, track.sampleRate, track.channels]).toEqual([
        'opus',
        48000,
        channels,
      ]);
      expect(track.config).toEqual(dOps);
    });
  }
});
