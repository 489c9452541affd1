import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioTrackFromOpusHead } from '../codecs/track-config.js';
import { InvalidArgumentError } from '../errors.js';
import { crc32Mpeg2 } from '../io/crc32.js';
import { ffmpeg, readBytes, useTempDir } from '../test-support/ffmpeg.js';
import { hex, toHex } from '../test-support/bytes.js';
import { buildPatSection, buildPmtSection, registrationDescriptor } from './psi-writer.js';
import { TsMuxer } from './ts-muxer.js';

const dir = useTempDir('tidecast-psi-');

/** The section in the first packet of `pid` with payload_unit_start set (pointer_field 0). */
function sectionOf(ts: Uint8Array, pid: number): Uint8Array {
  for (let p = 0; p + 188 <= ts.length; p += 188) {
    const packetPid = ((ts[p + 1] ?? 0) % 32) * 256 + (ts[p + 2] ?? 0);
    if (packetPid !== pid || (ts[p + 1] ?? 0) < 0x40) continue;
    const start = p + 5 + (ts[p + 4] ?? 0);
    const length = ((ts[start + 1] ?? 0) % 16) * 256 + (ts[start + 2] ?? 0);
    return ts.slice(start, start + 3 + length);
  }
  throw new Error(`no section on PID ${pid}`);
}

describe('PSI sections', () => {
  it('PAT: exact bytes with a CRC-32/MPEG-2 that leaves a zero remainder', () => {
    const pat = buildPatSection(0x1000);
    // table_id 0, section_length 13, tsid 1, version 0 current, program 1 -> PID 0x1000.
    expect(toHex(pat)).toBe('00b00d0001c100000001f0002ab104b2');
    expect(crc32Mpeg2(pat)).toBe(0);
    expect(crc32Mpeg2(buildPatSection(0x0abc))).toBe(0);
  });

  it('PMT: streams with descriptors, section_length counts the CRC', () => {
    const reg = registrationDescriptor(0x4f707573);
    expect(toHex(reg)).toBe('05044f707573');
    const pmt = buildPmtSection({
      pcrPid: 0x100,
      streams: [
        { streamType: 0x1b, pid: 0x100 },
        { streamType: 0x06, pid: 0x101, descriptors: reg },
      ],
      version: 3,
    });
    expect(toHex(pmt.subarray(0, 17))).toBe('02b01d0001c70000e100f0001be100f000');
    expect(toHex(pmt.subarray(17, 28))).toBe('06e101f00605044f707573');
    expect(pmt.length).toBe(3 + 0x1d);
    expect(crc32Mpeg2(pmt)).toBe(0);
  });

  it('rejects PIDs beyond 13 bits, bad versions and sections bigger than a packet', () => {
    expect(() => buildPatSection(0x2000)).toThrow(InvalidArgumentError);
    expect(() => buildPmtSection({ pcrPid: -1, streams: [] })).toThrow(InvalidArgumentError);
    expect(() => buildPmtSection({ pcrPid: 0x100, streams: [], version: 32 })).toThrow(
      InvalidArgumentError,
    );
    const big = { streamType: 6, pid: 0x101, descriptors: new Uint8Array(170) };
    expect(() => buildPmtSection({ pcrPid: 0x100, streams: [big] })).toThrow(InvalidArgumentError);
  });

  it('PAT and PMT are byte-identical to what ffmpeg writes for H.264 + AAC and for Opus', () => {
    const avc = join(dir, 'avc-aac.ts');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10', '-f', 'lavfi', '-i', 'sine'],
      ...['-t', '0.3', '-c:v', 'libx264', '-c:a', 'aac', avc],
    ]);
    const ours = new TsMuxer({
      tracks: [
        {
          kind: 'video',
          codec: 'avc',
          codecString: 'avc1.64001f',
          width: 1278,
          height: 718,
          sarNum: 1,
          sarDen: 1,
          timescale: 90000,
          config: hex(
            '0164001fffe1001b6764001facd9405005beab0e1000000300100000030320f183196001000668ebe3cb22c0',
          ),
        },
        {
          kind: 'audio',
          codec: 'aac',
          codecString: 'mp4a.40.2',
          sampleRate: 44100,
          channels: 1,
          timescale: 44100,
          config: hex('1208'),
        },
      ],
    }).tables();
    const theirs = readBytes(avc);
    expect(toHex(sectionOf(ours, 0))).toBe(toHex(sectionOf(theirs, 0)));
    expect(toHex(sectionOf(ours, 0x1000))).toBe(toHex(sectionOf(theirs, 0x1000)));

    const opus = join(dir, 'opus.ts');
    ffmpeg(['-f', 'lavfi', '-i', 'sine', '-t', '0.3', '-ac', '2', '-c:a', 'libopus', opus]);
    const head = hex('4f707573486561640102380180bb0000000000');
    const opusTables = new TsMuxer({
      tracks: [audioTrackFromOpusHead(head, 48000)],
      audioPid: 0x100,
    }).tables();
    expect(toHex(sectionOf(opusTables, 0x1000))).toBe(toHex(sectionOf(readBytes(opus), 0x1000)));
  });
});
