import { describe, expect, it } from 'vitest';
import { buildAvcC } from '../codecs/h264/h264-avcc.js';
import { audioTrackFromAsc, videoTrackFromAvcC } from '../codecs/track-config.js';
import { cat, hex, u32 } from '../test-support/bytes.js';
import type { DemuxEvent, MediaPacket } from '../types.js';
import { TsDemuxer } from './ts-demuxer.js';
import { TsMuxer } from './ts-muxer.js';

/*
 * Our muxer's output read back by our demuxer: the packets that went in come out (the muxer's
 * AUD, parameter sets and ADTS headers are taken off again), across the 33-bit wrap.
 */

const SPS = hex('6742c00ada11ec0440000003004000000c83c489a8');
const PPS = hex('68ce0fc8');
const video = videoTrackFromAvcC(buildAvcC({ sps: SPS, pps: PPS }), 90000);
const audio = audioTrackFromAsc(hex('1190'), 90000); // AAC LC, 48 kHz, stereo

function nal(...bytes: number[]): Uint8Array {
  return cat(u32(bytes.length), bytes);
}

/** 2 s of 25 fps video (IDR every 10 frames, B-frame style pts) and 48 kHz AAC frames. */
function packets(start: number): MediaPacket[] {
  const list: MediaPacket[] = [];
  for (let i = 0; i < 50; i++) {
    const key = i % 10 === 0;
    const dts = start + i * 3600;
    // Never 0: no start code or trailing zero appears once the NAL is in Annex B form.
    const body = Array.from({ length: 300 + ((i * 37) % 900) }, (_, k) => ((k * 7 + i) % 255) + 1);
    list.push({
      kind: 'video',
      dts,
      pts: dts + (key ? 3600 : 7200),
      timescale: 90000,
      keyframe: key,
      data: cat(nal(0x06, 5, 1, 0x80), nal(key ? 0x65 : 0x41, ...body)),
    });
  }
  for (let i = 0; i < 94; i++) {
    const pts = start + i * 1920;
    const data = Uint8Array.from({ length: 100 + (i % 50) }, (_, k) => (k + i) % 256);
    list.push({ kind: 'audio', dts: pts, pts, timescale: 90000, keyframe: true, data });
  }
  return list.sort((a, b) => a.dts - b.dts);
}

function demuxed(events: DemuxEvent[], kind: 'video' | 'audio'): MediaPacket[] {
  return events.flatMap((e) => (e.type === 'packet' && e.packet.kind === kind ? [e.packet] : []));
}

describe('TsMuxer -> TsDemuxer', () => {
  for (const start of [126000, 2 ** 33 - 50000]) {
    it(`returns the packets that went in (first DTS ${start})`, () => {
      const input = packets(start);
      const muxer = new TsMuxer({ tracks: [video, audio] });
      const ts = cat(muxer.tables(), muxer.writePackets(input));
      const d = new TsDemuxer();
      const events = [...d.push(ts), ...d.flush()];
      expect(events.filter((e) => e.type === 'warning' || e.type === 'error')).toEqual([]);
      const tracks = events.flatMap((e) => (e.type === 'track' ? [e.track] : []));
      expect(tracks).toHaveLength(2);
      expect(tracks).toContainEqual(video);
      expect(tracks).toContainEqual(audio);
      for (const kind of ['video', 'audio'] as const) {
        expect(demuxed(events, kind)).toEqual(input.filter((p) => p.kind === kind));
      }
    });
  }
});
