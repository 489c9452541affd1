import { describe, expect, it } from 'vitest';
import { buildAvcC } from '../codecs/h264/h264-avcc.js';
import { MalformedError } from '../errors.js';
import type { MediaError } from '../errors.js';
import { cat, hex } from '../test-support/bytes.js';
import type { DemuxEvent } from '../types.js';
import type { EsSink } from './ts-es-stream.js';
import { VideoEs } from './ts-es-video.js';

/** A real baseline SPS (64x48) and PPS, as an x264 stream carries them. */
const SPS = hex('6742c00ada11ec0440000003004000000c83c489a8');
const PPS = hex('68ce0fc8');
const PPS2 = hex('68ce0fc9');
const AUD = hex('09f0');
const IDR = hex('658884aabb');
const SLICE = hex('419a2233');

class TestSink implements EsSink {
  events: DemuxEvent[] = [];
  readonly keys = new Set<string>();
  warn(error: MediaError, onceKey?: string): void {
    if (onceKey !== undefined && this.keys.has(onceKey)) return;
    if (onceKey !== undefined) this.keys.add(onceKey);
    this.events.push({ type: 'warning', error });
  }
}

/** Annex B with 4- and 3-byte start codes mixed, as encoders write them. */
function annexB(...nals: Uint8Array[]): Uint8Array {
  return cat(...nals.map((n, i) => cat(i === 0 ? [0, 0, 0, 1] : [0, 0, 1], n)));
}

function lengthPrefixed(...nals: Uint8Array[]): Uint8Array {
  return cat(...nals.map((n) => cat([0, 0, 0, n.length], n)));
}

const unit = (data: Uint8Array, pts: number | undefined, dts = pts) => ({
  pts,
  dts,
  data,
  offset: 940,
});

describe('VideoEs (H.264)', () => {
  it('turns the in-band SPS/PPS into a track and access units into AVCC samples', () => {
    const es = new VideoEs('avc');
    const sink = new TestSink();
    es.push(unit(annexB(AUD, SPS, PPS, IDR), 3600, 0), sink);
    es.push(unit(annexB(AUD, SLICE), 7200, 3600), sink);
    expect(sink.events).toHaveLength(3);
    const [track, key, delta] = sink.events;
    expect(track).toMatchObject({
      type: 'track',
      track: { codec: 'avc', codecString: 'avc1.42c00a', width: 64, height: 48, timescale: 90000 },
    });
    expect(track?.type === 'track' && track.track.config).toEqual(
      buildAvcC({ sps: SPS, pps: PPS }),
    );
    expect(key).toEqual({
      type: 'packet',
      packet: {
        kind: 'video',
        pts: 3600,
        dts: 0,
        timescale: 90000,
        keyframe: true,
        data: lengthPrefixed(IDR),
      },
    });
    expect(delta).toMatchObject({
      type: 'packet',
      packet: { keyframe: false, data: lengthPrefixed(SLICE) },
    });
  });

  it('announces the track again only when the parameter sets change', () => {
    const es = new VideoEs('avc');
    const sink = new TestSink();
    es.push(unit(annexB(SPS, PPS, IDR), 0), sink);
    es.push(unit(annexB(SPS, PPS, IDR), 3600), sink);
    es.push(unit(annexB(PPS2, IDR), 7200), sink);
    const tracks = sink.events.flatMap((e) => (e.type === 'track' ? [e.track] : []));
    expect(tracks.map((t) => t.config)).toEqual([
      buildAvcC({ sps: SPS, pps: PPS }),
      buildAvcC({ sps: SPS, pps: PPS2 }),
    ]);
    // The second track comes right before the packet it configures.
    expect(sink.events.map((e) => e.type)).toEqual([
      'track',
      'packet',
      'packet',
      'track',
      'packet',
    ]);
  });

  it('drops access units before the first parameter sets, warning once', () => {
    const es = new VideoEs('avc');
    const sink = new TestSink();
    es.push(unit(annexB(SLICE), 0), sink);
    es.push(unit(annexB(SLICE), 3600), sink);
    es.push(unit(annexB(SPS, PPS, IDR), 7200), sink);
    expect(sink.events.map((e) => e.type)).toEqual(['warning', 'track', 'packet']);
    const [warning] = sink.events;
    expect(warning?.type === 'warning' && warning.error).toBeInstanceOf(MalformedError);
  });

  it('drops a PES without PTS and keeps going on a bad SPS', () => {
    const es = new VideoEs('avc');
    const sink = new TestSink();
    es.push(unit(annexB(SPS, PPS, IDR), undefined), sink);
    es.push(unit(annexB(hex('67ff'), PPS, IDR), 0), sink); // an SPS that cannot be parsed
    es.push(unit(annexB(SPS, PPS, IDR), 3600), sink);
    expect(sink.events.map((e) => e.type)).toEqual([
      'warning',
      'warning',
      'warning',
      'track',
      'packet',
    ]);
    expect(es.bufferedBytes).toBe(0);
  });
});
