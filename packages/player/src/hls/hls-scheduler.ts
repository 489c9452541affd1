/**
 * What the HLS loader does next, as pure functions of the playlist and a position: where to
 * start, which segment or part to load, when and how to reload the playlist (RFC 8216 6.3.4,
 * rfc8216bis 6.2.5.2 blocking reload), and the latency to aim for.
 */
import type { HlsResource, HlsSegmentView, PlaylistView } from './hls-view.js';

/** The next media to load: segment `msn`, part `part` of it, or the whole segment when undefined. */
export interface HlsPosition {
  msn: number;
  part: number | undefined;
}

export type HlsStep =
  | {
      type: 'load';
      resource: HlsResource;
      segment: HlsSegmentView;
      /** The media starts a new timeline (EXT-X-DISCONTINUITY before its segment). */
      discontinuity: boolean;
      /** Media seconds in it. */
      duration: number;
      next: HlsPosition;
    }
  /** Not in the playlist yet: reload (blocking when possible), or load the preload hint meanwhile. */
  | { type: 'wait'; hint: HlsResource | undefined }
  /** Past the last segment of an ended playlist. */
  | { type: 'end' }
  /** The position left the playlist's window (we fell behind): start again from startPosition. */
  | { type: 'behind' };

/** A live start looks for an independent part within this many seconds of the end. */
const LL_START_SEARCH_SEC = 6;

/**
 * Where playback starts. VOD (EXT-X-ENDLIST): the first segment. Live LL-HLS: the last part with
 * INDEPENDENT=YES (it starts with a keyframe) that leaves at least two part targets buffered
 * (the latency target, see hlsTargetLatencyMs), else the last independent part. Classic live:
 * the second-to-last complete segment (segments start with a keyframe), so one segment of
 * cushion covers the wait for the next one; RFC 8216 6.3.3 would start three target durations
 * from the end, which costs latency for nothing with short segments.
 */
export function startPosition(view: PlaylistView): HlsPosition {
  const segments = view.segments;
  const first = segments[0];
  if (first === undefined) return { msn: 0, part: undefined };
  if (view.endList) return { msn: first.msn, part: undefined };
  const complete = segments.filter((s) => s.resource !== undefined);
  if (view.partTarget !== undefined) {
    const want = 2 * view.partTarget;
    let after = 0;
    let fallback: HlsPosition | undefined;
    for (let s = segments.length - 1; s >= 0 && after < LL_START_SEARCH_SEC; s--) {
      const segment = segments[s];
      if (segment === undefined) break;
      if (segment.parts.length === 0) {
        after += segment.duration;
        continue;
      }
      for (let p = segment.parts.length - 1; p >= 0; p--) {
        const part = segment.parts[p];
        after += part?.duration ?? 0;
        if (part?.independent !== true) continue;
        const here = { msn: segment.msn, part: p };
        if (after >= want) return here;
        fallback ??= here;
      }
    }
    if (fallback !== undefined) return fallback;
    // No independent part flagged: segments start at keyframes, the last complete one does.
    const last = complete.at(-1);
    return { msn: last?.msn ?? segments.at(-1)?.msn ?? first.msn, part: 0 };
  }
  const start = complete.at(-2) ?? complete.at(-1) ?? first;
  return { msn: start.msn, part: undefined };
}

/** The next step from `position` in `view`. */
export function nextStep(view: PlaylistView, position: HlsPosition): HlsStep {
  const first = view.segments[0];
  if (first !== undefined && position.msn < first.msn) return { type: 'behind' };
  const segment = view.segments.find((s) => s.msn === position.msn);
  if (segment === undefined) {
    if (view.endList) return { type: 'end' };
    // Past the end: a part of the next segment may already be announced by the hint, but it
    // could start a new timeline (a discontinuity is only known from the playlist): reload.
    return { type: 'wait', hint: undefined };
  }
  const next = (msn: number): HlsPosition => ({
    msn,
    part: position.part === undefined ? undefined : 0,
  });
  if (position.part === undefined || (position.part === 0 && segment.parts.length === 0)) {
    if (segment.resource === undefined) return { type: 'wait', hint: undefined };
    return {
      type: 'load',
      resource: segment.resource,
      segment,
      discontinuity: segment.discontinuity,
      duration: segment.duration,
      next: next(segment.msn + 1),
    };
  }
  const part = segment.parts[position.part];
  if (part !== undefined) {
    return {
      type: 'load',
      resource: part,
      segment,
      discontinuity: segment.discontinuity && position.part === 0,
      duration: part.duration,
      next: { msn: segment.msn, part: position.part + 1 },
    };
  }
  if (segment.resource !== undefined) {
    // Complete: its parts were all loaded (or dropped from the playlist): on to the next one.
    return nextStep(view, { msn: segment.msn + 1, part: 0 });
  }
  // The in-progress segment's next part: the PART preload hint names it (rfc8216bis 4.4.5.3).
  const hint = position.part === segment.parts.length ? view.preloadPart : undefined;
  return { type: 'wait', hint };
}

/** Query of a blocking playlist reload for `position` (rfc8216bis 6.2.5.2). */
export function blockingReloadUrl(playlistUrl: string, position: HlsPosition): string {
  const url = new URL(playlistUrl);
  url.searchParams.delete('_HLS_msn');
  url.searchParams.delete('_HLS_part');
  url.searchParams.delete('_HLS_skip');
  url.searchParams.set('_HLS_msn', String(position.msn));
  if (position.part !== undefined) url.searchParams.set('_HLS_part', String(position.part));
  return url.href;
}

/**
 * Wait before an ordinary (non-blocking) reload, ms (RFC 8216 6.3.4): the target duration
 * after a reload that brought something new, half of it after one that did not. LL-HLS without
 * blocking reload polls at the part target.
 */
export function reloadDelayMs(view: PlaylistView, changed: boolean): number {
  const unit = view.partTarget ?? view.targetDuration;
  const sec = changed ? unit : unit / 2;
  return Math.max(100, Math.round(sec * 1000));
}

/** A live playlist that stays unchanged this long has stopped (RFC 8216 6.3.4 allows an error). */
export function staleAfterMs(view: PlaylistView): number {
  return Math.max(10_000, 3 * view.targetDuration * 1000);
}

/**
 * Default latency target (media held ahead of the playhead) for a live playlist, ms. Media
 * arrives a part or a segment at a time and the latency controller measures right after each
 * arrival, so the target must cover one arrival interval plus the request round trip and
 * jitter: LL-HLS about two part targets (the spec's PART-HOLD-BACK is at least two,
 * rfc8216bis 4.4.3.8), classic HLS about one segment plus half a second.
 */
export function hlsTargetLatencyMs(view: PlaylistView): number {
  if (view.partTarget !== undefined && view.partTarget > 0)
    return Math.round(Math.max(500, 2 * view.partTarget * 1000 + 250));
  return Math.round(Math.max(1000, view.targetDuration * 1000 + 500));
}

/** A Range header value for a resource's byte range (RFC 9110 14.1.2), or undefined. */
export function rangeHeader(resource: HlsResource): string | undefined {
  const range = resource.range;
  if (range === undefined) return undefined;
  const last = range.length === undefined ? '' : String(range.offset + range.length - 1);
  return `bytes=${range.offset}-${last}`;
}
