import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ByteWriter } from '../io/byte-writer.js';
import type { AudioTrack } from '../types.js';
import { toDOps, writeAudioSampleEntry } from './audio-sample-entry.js';
import { expectOnlyMediaError } from '../test-support/fuzz.js';
import { toHex } from '../test-support/bytes.js';

const aac: AudioTrack = {
  kind: 'audio',
  codec: 'aac',
  codecString: 'mp4a.40.2',
  sampleRate: 48000,
  channels: 2,
  timescale: 1000,
  config: new Uint8Array([0x11, 0x90]), // AAC LC, 48 kHz, stereo
};

function entry(track: AudioTrack, trackId = 2): Uint8Array {
  const w = new ByteWriter();
  writeAudioSampleEntry(w, track, trackId);
  return w.finish();
}

describe('writeAudioSampleEntry', () => {
  it('writes mp4a + esds for AAC field by field (14496-14 5.6, 14496-1 7.2.6)', () => {
    const fields = [
      ['0000004b', '6d703461'], // size 75, 'mp4a'
      ['000000000000', '0001'], // reserved, data_reference_index
      ['0000000000000000', '0002', '0010', '0000', '0000', 'bb800000'], // ..., samplerate 48000
      ['00000027', '65736473', '00000000'], // 'esds' full box
      ['0319', '0002', '00'], // ES_Descriptor: 25 bytes, ES_ID 2, flags
      ['0411', '40', '15', '000000', '00000000', '00000000'], // DecoderConfigDescriptor: AAC, audio
      ['0502', '1190'], // DecSpecificInfo: the AudioSpecificConfig
      ['0601', '02'], // SLConfigDescriptor: predefined 2
    ];
    expect(toHex(entry(aac))).toBe(fields.flat().join(''));
  });

  it('writes objectTypeIndication 0x6B and no DecSpecificInfo for MP3', () => {
    const bytes = toHex(
      entry({ ...aac, codec: 'mp3', codecString: 'mp4a.6B', config: new Uint8Array(0) }),
    );
    expect(bytes).toContain('04' + '0d' + '6b' + '15');
    expect(bytes).not.toContain('0502');
    expect(bytes.endsWith('060102')).toBe(true);
  });

  it('writes an Opus entry at 48 kHz with a dOps box', () => {
    const head = opusHead(1, 312, 44100, 0);
    const bytes = entry({ ...aac, codec: 'opus', sampleRate: 44100, channels: 1, config: head });
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('Opus');
    expect(toHex(bytes.subarray(32, 34))).toBe('bb80'); // samplerate 48000, not 44100
    expect(toHex(bytes.subarray(36))).toBe(
      '00000013' + '644f7073' + '00' + '01' + '0138' + '0000ac44' + 'ff00' + '00',
    );
  });

  it('writes samplerate 0 when the rate does not fit 16.16 (96 kHz and up)', () => {
    expect(toHex(entry({ ...aac, sampleRate: 96000 }).subarray(32, 36))).toBe('00000000');
  });

  it('rejects channel counts and rates it cannot write', () => {
    for (const bad of [
      { channels: 0 },
      { channels: 256 },
      { sampleRate: 0 },
      { sampleRate: 1.5 },
    ]) {
      expect(() => entry({ ...aac, ...bad })).toThrow(InvalidArgumentError);
    }
    expect(() => entry({ ...aac, config: new Uint8Array(0) })).toThrow(InvalidArgumentError);
  });
});

/** An Ogg OpusHead (RFC 7845 5.1): little-endian fields after the magic. */
function opusHead(
  channels: number,
  preSkip: number,
  rate: number,
  family: number,
  table: number[] = [],
) {
  const out = new Uint8Array(19 + table.length);
  out.set(Array.from('OpusHead', (c) => c.charCodeAt(0)));
  const view = new DataView(out.buffer);
  view.setUint8(8, 1);
  view.setUint8(9, channels);
  view.setUint16(10, preSkip, true);
  view.setUint32(12, rate, true);
  view.setInt16(16, -256, true);
  view.setUint8(18, family);
  out.set(table, 19);
  return out;
}

describe('toDOps', () => {
  it('converts an OpusHead to big-endian dOps, keeping the mapping table', () => {
    const head = opusHead(3, 3840, 48000, 1, [2, 1, 0, 2, 1]);
    expect(toHex(toDOps(head, 3, 48000))).toBe(
      '00' + '03' + '0f00' + '0000bb80' + 'ff00' + '01' + '0201000201',
    );
  });

  it('passes a dOps payload through unchanged', () => {
    const dOps = new Uint8Array([0, 2, 1, 0x38, 0, 0, 0xbb, 0x80, 0, 0, 0]);
    expect(toDOps(dOps, 2, 48000)).toBe(dOps);
  });

  it('synthesises family 0 for mono/stereo without a config, refuses more channels', () => {
    expect(toHex(toDOps(new Uint8Array(0), 2, 48000))).toBe(
      '00' + '02' + '0138' + '0000bb80' + '0000' + '00',
    );
    expect(() => toDOps(new Uint8Array(0), 6, 48000)).toThrow(InvalidArgumentError);
  });

  it('rejects truncated OpusHeads', () => {
    expect(() => toDOps(opusHead(2, 0, 48000, 0).subarray(0, 18), 2, 48000)).toThrow(
      InvalidArgumentError,
    );
    expect(() => toDOps(opusHead(3, 0, 48000, 1, [1, 1]), 3, 48000)).toThrow(InvalidArgumentError);
  });

  it('random configs give a dOps or a MediaError', () => {
    const magic = Array.from('OpusHead', (c) => c.charCodeAt(0));
    const config = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }).map((rest) => new Uint8Array([...magic, ...rest])),
    );
    expectOnlyMediaError(
      fc.tuple(config, fc.integer({ min: 1, max: 8 })),
      ([bytes, channels]) => {
        const dOps = toDOps(bytes, channels, 48000);
        expect(dOps[0]).toBe(0);
        expect(dOps.length).toBeGreaterThanOrEqual(11);
      },
      100,
    );
  });
});
