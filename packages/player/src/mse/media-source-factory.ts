/**
 * Picks the MediaSource implementation: MediaSource where it exists, else ManagedMediaSource
 * (MSE 2 "ManagedMediaSource"; the only one on iOS 17.1+ Safari). Everything is looked up on an
 * injectable environment so the choice is testable without a browser.
 */
import { PlayerError } from '../errors.js';

/** The subset of MediaSource the controller drives. */
export interface MediaSourceLike extends EventTarget {
  readonly readyState: 'closed' | 'open' | 'ended';
  duration: number;
  readonly sourceBuffers: { readonly length: number };
  addSourceBuffer(type: string): SourceBuffer;
  removeSourceBuffer(sourceBuffer: SourceBuffer): void;
}

export interface MediaSourceConstructorLike {
  new (): MediaSourceLike;
  isTypeSupported(type: string): boolean;
}

/** Where MediaSource, ManagedMediaSource and object URLs come from (globalThis by default). */
export interface MseEnvironment {
  MediaSource?: MediaSourceConstructorLike | undefined;
  ManagedMediaSource?: MediaSourceConstructorLike | undefined;
  createObjectURL(source: MediaSourceLike): string;
  revokeObjectURL(url: string): void;
}

export function browserEnvironment(): MseEnvironment {
  const scope = globalThis as unknown as Record<string, unknown>;
  return {
    MediaSource: asConstructor(scope['MediaSource']),
    ManagedMediaSource: asConstructor(scope['ManagedMediaSource']),
    createObjectURL: (source) => URL.createObjectURL(source as unknown as MediaSource),
    revokeObjectURL: (url) => URL.revokeObjectURL(url),
  };
}

function asConstructor(value: unknown): MediaSourceConstructorLike | undefined {
  if (typeof value !== 'function') return undefined;
  const candidate = value as Partial<MediaSourceConstructorLike>;
  return typeof candidate.isTypeSupported === 'function'
    ? (value as MediaSourceConstructorLike)
    : undefined;
}

export interface ChosenMediaSource {
  ctor: MediaSourceConstructorLike;
  /** True for ManagedMediaSource (it needs remote playback disabled, see createMediaSource). */
  managed: boolean;
}

/** The constructor to use, or a fatal NO_MSE error. */
export function chooseMediaSource(env: MseEnvironment): ChosenMediaSource {
  if (env.MediaSource !== undefined) return { ctor: env.MediaSource, managed: false };
  if (env.ManagedMediaSource !== undefined) return { ctor: env.ManagedMediaSource, managed: true };
  throw new PlayerError('NO_MSE', 'this browser has neither MediaSource nor ManagedMediaSource', {
    fatal: true,
  });
}

/** Whether the chosen implementation can play `mimeType` (e.g. `video/mp4; codecs="avc1.64001f,mp4a.40.2"`). */
export function isMimeTypeSupported(env: MseEnvironment, mimeType: string): boolean {
  try {
    return chooseMediaSource(env).ctor.isTypeSupported(mimeType);
  } catch {
    return false;
  }
}

/**
 * Creates the MediaSource for `video`. A ManagedMediaSource only opens when the element cannot
 * be sent to AirPlay, or has an alternative non-MSE source for it (WebKit's ManagedMediaSource
 * notes); a live MSE stream has none, so remote playback is disabled.
 */
export function createMediaSource(
  video: Pick<HTMLVideoElement, 'disableRemotePlayback'>,
  env: MseEnvironment,
): { mediaSource: MediaSourceLike; managed: boolean } {
  const { ctor, managed } = chooseMediaSource(env);
  if (managed) video.disableRemotePlayback = true;
  return { mediaSource: new ctor(), managed };
}
