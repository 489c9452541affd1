/**
 * HLS as a Loader: reads the (multivariant, then media) playlist, loads segments or LL-HLS parts
 * in order and hands the player one byte stream, EXT-X-MAP init sections included, exactly as a
 * streaming loader would. The decisions are hls-scheduler.ts (pure); this class does the I/O,
 * timers and retries. Like every loader it never reconnects by itself: a playlist or segment
 * that keeps failing ends it with onError, and the player's reconnect policy starts a new one.
 */
import { isMultivariant, parseMediaPlaylist, parseMultivariantPlaylist } from '@tidecast/media';
import { PlayerError } from '../errors.js';
import { LoaderOutcome } from '../loaders/loader-outcome.js';
import type { Loader, LoaderSink } from '../loaders/loader-types.js';
import { fetchResource, sleep } from './hls-fetch.js';
import type { FetchPolicy } from './hls-fetch.js';
import {
  blockingReloadUrl,
  hlsTargetLatencyMs,
  nextStep,
  reloadDelayMs,
  staleAfterMs,
  startPosition,
} from './hls-scheduler.js';
import type { HlsPosition } from './hls-scheduler.js';
import { pickVariant } from './hls-variant.js';
import { toPlaylistView } from './hls-view.js';
import type { HlsResource, PlaylistView } from './hls-view.js';

/** What the first media playlist says about the stream. */
export interface HlsStreamInfo {
  /** No EXT-X-ENDLIST: a live (or EVENT) playlist. */
  live: boolean;
  lowLatency: boolean;
  /** Suggested latency target for the latency controller (hlsTargetLatencyMs). */
  targetLatencyMs: number;
}

export interface HlsLoaderHooks {
  onPlaylist?(info: HlsStreamInfo): void;
  /** Called before the first bytes of a new timeline (EXT-X-DISCONTINUITY). */
  onDiscontinuity?(): void;
  /** Seconds buffered ahead of the playhead: VOD loading pauses above MAX_VOD_AHEAD_SEC. */
  bufferAheadSec?(): number;
  /**
   * This session has been live: an ended playlist (EXT-X-ENDLIST) now means the stream ended,
   * and is not replayed from its start as VOD.
   */
  liveOnly?: boolean;
  /** MediaSource.isTypeSupported by default (to pick a variant). */
  isTypeSupported?(mimeType: string): boolean;
}

/** VOD loads at most this far ahead of the playhead (the rest waits). */
export const MAX_VOD_AHEAD_SEC = 30;
const THROTTLE_POLL_MS = 500;
/** A blocking reload answered this fast without news is not blocking: fall back to polling. */
const MIN_BLOCKING_MS = 50;
const MAX_CACHED_MAPS = 4;

export class HlsLoader implements Loader {
  private readonly outcome: LoaderOutcome;
  private readonly controller = new AbortController();
  private playlistUrl: string;
  private lastText = '';
  private lastChangeAt = 0;
  private lastReloadAt = 0;
  private readonly maps = new Map<string, Uint8Array>();
  private sentMap: string | undefined;

  constructor(
    url: URL,
    private readonly sink: LoaderSink,
    private readonly hooks: HlsLoaderHooks = {},
  ) {
    this.outcome = new LoaderOutcome(sink);
    this.playlistUrl = url.href;
  }

  start(): void {
    void this.run().catch((error: unknown) => {
      if (this.outcome.done || this.controller.signal.aborted) return;
      this.outcome.fail(asNetworkError(error));
    });
  }

  abort(): void {
    this.outcome.abort();
    this.controller.abort();
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private async run(): Promise<void> {
    let view = await this.loadFirstPlaylist();
    if (view.encrypted) {
      return this.outcome.fail(
        new PlayerError('UNSUPPORTED_CODEC', 'encrypted HLS (EXT-X-KEY) is not supported', {
          fatal: true,
        }),
      );
    }
    this.hooks.onPlaylist?.({
      live: !view.endList,
      lowLatency: view.partTarget !== undefined,
      targetLatencyMs: hlsTargetLatencyMs(view),
    });
    if (view.endList && this.hooks.liveOnly === true) return this.outcome.finish();
    let position = startPosition(view);
    let started = false;
    let lastHint: string | undefined;
    for (;;) {
      if (this.outcome.done) return;
      const step = nextStep(view, position);
      if (step.type === 'end') return this.outcome.finish();
      if (step.type === 'behind') {
        position = startPosition(view); // fell out of the live window: the next bytes skip ahead
        continue;
      }
      if (step.type === 'load') {
        if (view.endList) await this.throttle();
        if (started && step.discontinuity) {
          this.sentMap = undefined; // the new timeline needs its init section again
          this.hooks.onDiscontinuity?.();
        }
        await this.sendMap(step.segment.map, view);
        const { bytes } = await fetchResource(step.resource, segmentPolicy(view), this.signal);
        this.deliver(bytes);
        started = true;
        position = step.next;
        continue;
      }
      if (step.hint !== undefined && keyOf(step.hint) !== lastHint && position.part !== undefined) {
        // The server answers the hinted part once it is complete; meanwhile nothing is lost.
        lastHint = keyOf(step.hint);
        const part = await fetchResource(step.hint, hintPolicy(view), this.signal).catch(
          (error: unknown) => {
            if (this.signal.aborted) throw error;
            return undefined; // not there after all: the playlist reload decides
          },
        );
        if (part !== undefined) {
          this.deliver(part.bytes);
          position = { msn: position.msn, part: position.part + 1 };
          continue;
        }
      }
      const reloaded = await this.reload(view, position);
      if (reloaded === undefined) return this.outcome.finish(); // stale: the stream stopped
      view = reloaded;
    }
  }

  private deliver(bytes: Uint8Array): void {
    if (!this.outcome.done && bytes.length > 0) this.sink.onData(bytes);
  }

  /** The media playlist behind the URL (through a multivariant playlist if need be). */
  private async loadFirstPlaylist(): Promise<PlaylistView> {
    this.lastReloadAt = performance.now();
    const first = await this.fetchText(this.playlistUrl, playlistPolicy(undefined));
    if (!isMultivariant(first.text)) return this.accept(first.text, first.url);
    let multivariant;
    try {
      multivariant = parseMultivariantPlaylist(first.text);
    } catch (error) {
      throw badPlaylist(first.url, error);
    }
    const variant = pickVariant(multivariant, this.hooks.isTypeSupported ?? mseSupports);
    if (variant === undefined) {
      throw new PlayerError('UNSUPPORTED_CODEC', 'no variant with codecs this browser plays', {
        fatal: true,
      });
    }
    const media = await this.fetchText(
      new URL(variant.uri, first.url).href,
      playlistPolicy(undefined),
    );
    if (isMultivariant(media.text)) throw badPlaylist(media.url, 'a variant is multivariant again');
    return this.accept(media.text, media.url);
  }

  private accept(text: string, url: string): PlaylistView {
    this.playlistUrl = url;
    this.lastText = text;
    this.lastChangeAt = performance.now();
    try {
      return toPlaylistView(parseMediaPlaylist(text), new URL(url));
    } catch (error) {
      throw badPlaylist(url, error);
    }
  }

  /**
   * The next version of the playlist: a blocking request for `position` when the server can
   * (rfc8216bis 6.2.5.2), else after the RFC 8216 6.3.4 wait. Undefined once it stayed
   * unchanged for staleAfterMs.
   */
  private async reload(
    view: PlaylistView,
    position: HlsPosition,
  ): Promise<PlaylistView | undefined> {
    const blocking = view.canBlockReload && !view.endList;
    const changed = this.lastChangeAt >= this.lastReloadAt;
    if (!blocking) {
      const wait = reloadDelayMs(view, changed) - (performance.now() - this.lastReloadAt);
      if (wait > 0) await sleep(wait, this.signal);
    }
    const url = blocking ? blockingReloadUrl(this.playlistUrl, position) : this.playlistUrl;
    const began = performance.now();
    this.lastReloadAt = began;
    const { text } = await this.fetchText(url, playlistPolicy(blocking ? view : undefined));
    const now = performance.now();
    if (text === this.lastText) {
      if (now - this.lastChangeAt > staleAfterMs(view)) return undefined;
      if (blocking && now - began < MIN_BLOCKING_MS)
        await sleep(reloadDelayMs(view, false), this.signal);
      return view;
    }
    const next = this.accept(text, this.playlistUrl);
    this.lastChangeAt = now;
    return next;
  }

  private async fetchText(
    url: string,
    policy: FetchPolicy,
  ): Promise<{ text: string; url: string }> {
    const result = await fetchResource({ url }, policy, this.signal);
    return { text: new TextDecoder().decode(result.bytes), url: result.url };
  }

  /** EXT-X-MAP before the media it applies to, once per distinct map (RFC 8216 4.3.2.5). */
  private async sendMap(map: HlsResource | undefined, view: PlaylistView): Promise<void> {
    if (map === undefined) return;
    const key = keyOf(map);
    if (key === this.sentMap) return;
    let bytes = this.maps.get(key);
    if (bytes === undefined) {
      bytes = (await fetchResource(map, segmentPolicy(view), this.signal)).bytes;
      if (this.maps.size >= MAX_CACHED_MAPS) this.maps.clear();
      this.maps.set(key, bytes);
    }
    this.sentMap = key;
    this.deliver(bytes);
  }

  private async throttle(): Promise<void> {
    const ahead = this.hooks.bufferAheadSec;
    if (ahead === undefined) return;
    while (!this.outcome.done && ahead() > MAX_VOD_AHEAD_SEC)
      await sleep(THROTTLE_POLL_MS, this.signal);
  }
}

function keyOf(resource: HlsResource): string {
  const range = resource.range;
  return range === undefined
    ? resource.url
    : `${resource.url}@${range.offset}+${range.length ?? ''}`;
}

/** Playlists: short timeouts; a blocking reload may be held up to three target durations. */
function playlistPolicy(blockingFor: PlaylistView | undefined): FetchPolicy {
  const hold = blockingFor === undefined ? 0 : 3 * blockingFor.targetDuration * 1000;
  return { timeoutMs: Math.max(8000, hold + 2000), retries: 3, backoffMs: 250 };
}

function segmentPolicy(view: PlaylistView): FetchPolicy {
  return { timeoutMs: Math.max(8000, 3 * view.targetDuration * 1000), retries: 3, backoffMs: 250 };
}

/** A preload hint is held by the server until the part is complete: one try, then reload. */
function hintPolicy(view: PlaylistView): FetchPolicy {
  return { timeoutMs: Math.max(5000, 2 * view.targetDuration * 1000), retries: 0, backoffMs: 0 };
}

function mseSupports(mimeType: string): boolean {
  const mse = globalThis.MediaSource as typeof MediaSource | undefined;
  return mse === undefined || mse.isTypeSupported(mimeType);
}

function badPlaylist(url: string, error: unknown): PlayerError {
  const message = error instanceof Error ? error.message : String(error);
  return new PlayerError('DEMUX', `bad HLS playlist ${url}: ${message}`, { cause: error });
}

function asNetworkError(error: unknown): PlayerError {
  if (error instanceof PlayerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PlayerError('NETWORK', `HLS: ${message}`, { cause: error });
}
