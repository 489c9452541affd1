/** The stats overlay on the watch page: rows derived from PlayerStats and the media summary. */
import type { MediaSummary, PlayerStats } from '../../../packages/player/src/index.js';
import { h } from './dom.js';
import { formatBitrate, formatFps, formatMs } from './format.js';

export interface OverlayInput {
  protocol: string;
  stats: PlayerStats | undefined;
  media: MediaSummary | undefined;
  /** From the element: the decoder's truth once frames are shown. */
  videoWidth: number;
  videoHeight: number;
  firstFrameMs: number | undefined;
  lastError: string | undefined;
}

export function overlayRows(input: OverlayInput): Array<[string, string]> {
  const { stats, media } = input;
  const v = media?.video;
  const a = media?.audio;
  const width = input.videoWidth || v?.width || 0;
  const height = input.videoHeight || v?.height || 0;
  const rows: Array<[string, string]> = [['protocol', input.protocol]];
  if (stats !== undefined) {
    rows.push(
      ['latency', formatMs(stats.latencyMs)],
      ['buffer', formatMs(stats.bufferMs)],
      ['bitrate', formatBitrate(stats.bitrateBps)],
      ['frames', `${stats.decodedFrames} decoded · ${stats.droppedFrames} dropped`],
      ['rate', `${stats.playbackRate.toFixed(2)}×`],
      ['reconnects', String(stats.reconnects)],
      ['stalls', String(stats.stalls)],
    );
  }
  rows.push(
    ['video', v === undefined ? '–' : `${v.codec} ${formatFps(v.frameRate)}`.trim()],
    ['resolution', width > 0 ? `${width}×${height}` : '–'],
    ['audio', a === undefined ? '–' : `${a.codec} ${a.sampleRate} Hz ${a.channels} ch`],
    ['first frame', input.firstFrameMs === undefined ? '–' : formatMs(input.firstFrameMs)],
  );
  if (input.lastError !== undefined) rows.push(['error', input.lastError]);
  return rows;
}

export function renderOverlay(list: HTMLDListElement, rows: ReadonlyArray<[string, string]>): void {
  list.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
