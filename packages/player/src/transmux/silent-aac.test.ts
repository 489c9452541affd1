import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  audioTrackFromAsc,
  buildAudioSpecificConfig,
  buildInitSegment,
  buildMediaSegment,
} from '@tidecast/media';
import { describe, expect, it } from 'vitest';
import { silentAacFrame } from './silent-aac.js';
import { tempDir } from './test-support/transmux-fixtures.js';

const dir = tempDir('tidecast-silent-aac-');
const CHANNELS: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 8 };

/** An fMP4 of `count` silent frames for the layout, decoded by ffmpeg to s16le PCM. */
function decodeSilence(config: number, count: number): { pcm: Buffer; errors: string } {
  const channels = CHANNELS[config] ?? 0;
  const asc = buildAudioSpecificConfig({ objectType: 2, sampleRate: 48000, channels });
  const track = audioTrackFromAsc(asc, 48000);
  const frame = silentAacFrame(config);
  if (frame === undefined) throw new Error('no silent frame');
  const samples = Array.from({ length: count }, () => ({
    duration: 1024,
    size: frame.length,
    keyframe: true,
    compositionOffset: 0,
    data: frame,
  }));
  const file = join(dir, `silent-${config}.mp4`);
  writeFileSync(
    file,
    Buffer.concat([
      buildInitSegment([track]),
      buildMediaSegment(1, [{ trackId: 1, baseMediaDecodeTime: 0, samples }]),
    ]),
  );
  const result = execFileSync(
    'sh',
    ['-c', 'ffmpeg -nostdin -v error -i "$1" -f s16le - 2>"$1.err"; cat "$1.err" >&2', 'sh', file],
    { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const errors = execFileSync('cat', [`${file}.err`], { encoding: 'utf8' });
  return { pcm: result, errors };
}

describe('silentAacFrame', () => {
  it('is 4 bytes for mono and 6 for stereo (ISO/IEC 14496-3 raw_data_block)', () => {
    expect(silentAacFrame(1)).toEqual(new Uint8Array([0x00, 0xc8, 0x00, 0x07]));
    expect(silentAacFrame(2)?.length).toBe(6);
  });

  it('has no frame for layouts defined by a PCE or unknown', () => {
    expect(silentAacFrame(0)).toBeUndefined();
    expect(silentAacFrame(8)).toBeUndefined();
  });

  it.each([1, 2, 3, 4, 5, 6, 7])(
    'decodes in ffmpeg to pure silence (channelConfiguration %i)',
    (config) => {
      const { pcm, errors } = decodeSilence(config, 10);
      expect(errors).toBe('');
      const channels = CHANNELS[config] ?? 0;
      // At most the first frame may go as decoder delay.
      expect(pcm.length).toBeGreaterThanOrEqual(9 * 1024 * channels * 2);
      expect(pcm.every((b) => b === 0)).toBe(true);
    },
  );
});
