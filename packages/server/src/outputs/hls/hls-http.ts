/**
 * HTTP delivery of HLS: playlists (with LL-HLS blocking reload and delta updates) and the
 * segment, part and init files. Cache headers are for CDNs: files never change under their
 * URL (the epoch is in the path) so they are immutable; playlists live for a second, blocking
 * responses a little longer since their URL names the state they waited for. Every wait is
 * bounded (three target durations, rfc8216bis 6.2.5.2) and ends early when the client leaves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeMediaPlaylist } from '@tidecast/media';
import { CORS_HEADERS, sendError } from '../../http/http-respond.js';
import type { HlsService } from './hls-service.js';
import type { HlsLive } from './hls-live.js';
import type { SegmentWindow } from './hls-segment-window.js';
import { hlsContentType, parseHlsFileName } from './hls-names.js';
import type { HlsFile } from './hls-names.js';
import { playlistView } from './hls-playlist-view.js';
import type { HlsVariantKind } from './hls-playlist-view.js';
import { parseHlsQuery } from './hls-query.js';
import { targetDurationSec } from './hls-timing.js';

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const LIVE_PLAYLIST = 'public, max-age=1';
const BLOCKED_PLAYLIST = 'public, max-age=30';
const ENDED_PLAYLIST = 'public, max-age=60';

/** A request's wait ends when the client goes away. */
function abortOnClose(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  res.once('close', abort);
  req.once('aborted', abort);
  return controller.signal;
}

function maxWaitMs(live: HlsLive, window: SegmentWindow): number {
  return 3 * targetDurationSec(live.timing, window.longestSegmentMs) * 1000;
}

/** Segment `msn` is complete, or a later one has media (bis 6.2.5.2). */
function hasSegment(window: SegmentWindow, msn: number): boolean {
  return window.segment(msn)?.complete === true || window.lastMsn > msn;
}

/** Part `part` of segment `msn` exists, or a later segment has begun. */
function hasPart(window: SegmentWindow, msn: number, part: number): boolean {
  const segment = window.segment(msn);
  if (segment !== undefined && (segment.parts.length > part || segment.complete)) {
    return segment.parts.length > part || window.lastMsn > msn;
  }
  return window.lastMsn > msn;
}

export async function serveHlsPlaylist(
  hls: HlsService,
  key: string,
  kind: HlsVariantKind,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '';
  const query = parseHlsQuery(url);
  if (!query.ok) return sendError(req, res, 400, query.reason);
  const live = hls.get(key);
  if (live === undefined) {
    return sendError(req, res, 404, 'stream not found (nothing is publishing it)', { stream: key });
  }
  const window = live.window(kind);
  const { msn, part, skip } = query.directives;
  let blocked = false;
  if (msn !== undefined) {
    // bis 6.2.5.2: more than two segments ahead of the newest is a client error.
    if (msn > window.lastMsn + 2) {
      return sendError(
        req,
        res,
        400,
        `_HLS_msn ${msn} is too far ahead (newest is ${window.lastMsn})`,
      );
    }
    const ready =
      part === undefined ? () => hasSegment(window, msn) : () => hasPart(window, msn, part);
    const ok = await window.waitFor(ready, maxWaitMs(live, window), abortOnClose(req, res));
    if (res.destroyed || res.writableEnded) return;
    if (!ok && !window.ended) {
      res.setHeader('Retry-After', '1');
      return sendError(req, res, 503, 'the requested segment or part did not appear in time');
    }
    blocked = true;
  }
  const name = key.slice(key.indexOf('/') + 1);
  const view = playlistView(window, {
    kind,
    timing: live.timing,
    base: `${name}/hls/${live.epoch}/`,
  });
  const canSkip = view.serverControl?.canSkipUntil;
  const text = writeMediaPlaylist(
    view,
    skip && canSkip !== undefined ? { skipUntil: canSkip } : {},
  );
  const cache = window.ended ? ENDED_PLAYLIST : blocked ? BLOCKED_PLAYLIST : LIVE_PLAYLIST;
  res.writeHead(200, {
    ...CORS_HEADERS,
    'Content-Type': PLAYLIST_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': cache,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** Bytes of `file` now, `'wait'` when it is the next thing to come, or undefined (gone/never). */
function lookup(live: HlsLive, file: HlsFile): Uint8Array | 'wait' | undefined {
  if (file.type === 'init') return live.cmaf.window.init(file.mapId);
  const window = file.type === 'segment-ts' ? live.ts.window : live.cmaf.window;
  if (file.type === 'part') {
    const found = window.part(file.serial);
    if (found !== undefined) return found.bytes;
    // The preload-hinted part (bis 4.4.5.3), the next one to come; nothing further is promised.
    return !window.ended && file.serial === window.nextPartSerial ? 'wait' : undefined;
  }
  const segment = window.segment(file.msn);
  if (segment?.complete === true) return segment.bytes;
  return segment !== undefined && !window.ended ? 'wait' : undefined;
}

export async function serveHlsFile(
  hls: HlsService,
  key: string,
  epoch: string,
  fileName: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const file = parseHlsFileName(fileName);
  if (file === undefined) return sendError(req, res, 404, 'no such HLS file');
  const live = hls.get(key);
  if (live === undefined || live.epoch !== epoch) {
    return sendError(req, res, 404, 'HLS file not found (the stream restarted or ended)');
  }
  let bytes = lookup(live, file);
  if (bytes === 'wait') {
    const window = file.type === 'segment-ts' ? live.ts.window : live.cmaf.window;
    await window.waitFor(
      () => lookup(live, file) !== 'wait',
      maxWaitMs(live, window),
      abortOnClose(req, res),
    );
    if (res.destroyed || res.writableEnded) return;
    bytes = lookup(live, file);
    if (bytes === 'wait') {
      res.setHeader('Retry-After', '1');
      return sendError(req, res, 503, 'the requested HLS file did not appear in time');
    }
  }
  if (bytes === undefined)
    return sendError(req, res, 404, 'HLS file not found (outside the window)');
  res.writeHead(200, {
    ...CORS_HEADERS,
    'Content-Type': hlsContentType(file),
    'Content-Length': bytes.length,
    'Cache-Control': IMMUTABLE,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
