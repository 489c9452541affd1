import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MediaError } from '../../errors.js';
import { buildAudioSpecificConfig, parseAudioSpecificConfig } from './aac-asc.js';
import { hex, packBits } from '../../test-support/bytes.js';
import { expectOnlyMediaError } from '../../test-support/fuzz.js';

describe('parseAudioSpecificConfig', () => {
  it('AAC LC 44.1 kHz stereo', () => {
    const cfg = parseAudioSpecificConfig(hex('1210'));
    expect(cfg).toMatchObject({
      signalledObjectType: 2,
      objectType: 2,
      sampleRate: 44100,
      channels: 2,
      sbr: false,
    });
    expect(cfg.frameLength).toBe(1024);
  });

  it('HE-AAC with explicit hierarchical signalling (AOT 5) reports the SBR output rate', () => {
    const cfg = parseAudioSpecificConfig(hex('2b920800'));
    expect(cfg).toMatchObject({
      signalledObjectType: 5,
      objectType: 2,
      extensionObjectType: 5,
      sbr: true,
      ps: false,
    });
    expect([cfg.coreSampleRate, cfg.sampleRate, cfg.channels]).toEqual([22050, 44100, 2]);
  });

  it('HE-AAC v2 (AOT 29): mono core, stereo output', () => {
    const cfg = parseAudioSpecificConfig(hex('eb8a0800'));
    expect(cfg).toMatchObject({ signalledObjectType: 29, objectType: 2, sbr: true, ps: true });
    expect([cfg.channelConfiguration, cfg.channels, cfg.sampleRate]).toEqual([1, 2, 44100]);
  });

  it('backward-compatible SBR signalling (sync extension 0x2b7) after an LC config', () => {
    const cfg = parseAudioSpecificConfig(hex('139056e5a0'));
    expect(cfg).toMatchObject({
      signalledObjectType: 2,
      objectType: 2,
      sbr: true,
      extensionObjectType: 5,
    });
    expect([cfg.coreSampleRate, cfg.sampleRate]).toEqual([22050, 44100]);
    // FFmpeg's encoder writes the same extension with sbrPresentFlag 0: plain LC.
    const plain = parseAudioSpecificConfig(hex('119056e500'));
    expect([plain.sbr, plain.sampleRate, plain.channels]).toEqual([false, 48000, 2]);
  });

  it('escaped object type (31) and explicit 24-bit sampling frequency', () => {
    const cfg = parseAudioSpecificConfig(
      packBits([
        [31, 5],
        [36 - 32, 6],
        [15, 4],
        [44000, 24],
        [2, 4],
      ]),
    );
    expect([cfg.objectType, cfg.samplingFrequencyIndex, cfg.sampleRate, cfg.channels]).toEqual([
      36, 15, 44000, 2,
    ]);
  });

  it('channel count from a program_config_element, and the 960-sample frame flag', () => {
    // LC, 48 kHz, channelConfiguration 0; GASpecificConfig with frameLengthFlag 1; PCE with
    // front: SCE + CPE, back: CPE, one LFE -> 6 channels.
    const asc = packBits([
      [2, 5],
      [3, 4],
      [0, 4],
      [1, 1],
      [0, 1],
      [0, 1],
      [0, 4],
      [1, 2],
      [3, 4],
      [2, 4],
      [0, 4],
      [1, 4],
      [1, 2],
      [0, 3],
      [0, 4],
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 4],
      [1, 1],
      [1, 4],
      [1, 1],
      [2, 4],
      [0, 4],
    ]);
    const cfg = parseAudioSpecificConfig(asc);
    expect([cfg.channelConfiguration, cfg.channels, cfg.frameLength]).toEqual([0, 6, 960]);
  });

  it('rejects reserved sampling indices, object type 0 and reserved channel configurations', () => {
    expect(() =>
      parseAudioSpecificConfig(
        packBits([
          [2, 5],
          [13, 4],
          [2, 4],
          [0, 3],
        ]),
      ),
    ).toThrow(/reserved/);
    expect(() =>
      parseAudioSpecificConfig(
        packBits([
          [0, 5],
          [4, 4],
          [2, 4],
          [0, 3],
        ]),
      ),
    ).toThrow(MediaError);
    expect(() =>
      parseAudioSpecificConfig(
        packBits([
          [2, 5],
          [4, 4],
          [9, 4],
          [0, 3],
        ]),
      ),
    ).toThrow(/reserved/);
    expect(() => parseAudioSpecificConfig(hex('12'))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
  });
});

describe('buildAudioSpecificConfig', () => {
  it('writes the well-known byte patterns', () => {
    expect(buildAudioSpecificConfig({ objectType: 2, sampleRate: 44100, channels: 2 })).toEqual(
      hex('1210'),
    );
    expect(buildAudioSpecificConfig({ objectType: 2, sampleRate: 48000, channels: 1 })).toEqual(
      hex('1188'),
    );
    expect(buildAudioSpecificConfig({ objectType: 5, sampleRate: 44100, channels: 2 })).toEqual(
      hex('2b920800'),
    );
    expect(buildAudioSpecificConfig({ objectType: 29, sampleRate: 44100, channels: 2 })).toEqual(
      hex('eb8a0800'),
    );
  });

  it('round-trips through the parser', () => {
    const rates = [8000, 11025, 16000, 22050, 32000, 44100, 48000, 96000, 44000];
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4, 5),
        fc.constantFrom(...rates),
        fc.constantFrom(1, 2, 3, 6, 8),
        (aot, rate, ch) => {
          fc.pre(aot !== 5 || rate % 2 === 0); // the HE-AAC core runs at half the output rate
          const cfg = parseAudioSpecificConfig(
            buildAudioSpecificConfig({ objectType: aot, sampleRate: rate, channels: ch }),
          );
          expect([cfg.signalledObjectType, cfg.sampleRate, cfg.channels]).toEqual([aot, rate, ch]);
        },
      ),
    );
  });

  it('rejects what it cannot express', () => {
    expect(() =>
      buildAudioSpecificConfig({ objectType: 2, sampleRate: 44100, channels: 7 }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      buildAudioSpecificConfig({ objectType: 29, sampleRate: 44100, channels: 1 }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      buildAudioSpecificConfig({ objectType: 0, sampleRate: 44100, channels: 2 }),
    ).toThrow(InvalidArgumentError);
  });

  it('fuzz: random configs only yield MediaError', () => {
    const check = (bytes: Uint8Array): void => {
      const cfg = parseAudioSpecificConfig(bytes);
      expect(cfg.sampleRate).toBeGreaterThan(0);
      expect(cfg.channels).toBeGreaterThan(0);
    };
    expectOnlyMediaError(fc.uint8Array({ maxLength: 12 }), check, 3000);
  });
});
