/**
 * The player's one error type. `fatal` errors stop playback (the player is unusable until
 * `load()` again); others were recovered from (a reconnect, a skipped segment, an eviction).
 */
export type PlayerErrorCode =
  /** A loader failed (HTTP status, refused connection, WebSocket closed abnormally). */
  | 'NETWORK'
  /** The stream's bytes could not be parsed (bad FLV/MP4). */
  | 'DEMUX'
  /** The browser cannot play the codecs (`MediaSource.isTypeSupported` said no). */
  | 'UNSUPPORTED_CODEC'
  /** No MediaSource (nor ManagedMediaSource) in this browser. */
  | 'NO_MSE'
  /** An MSE operation failed (appendBuffer/remove/endOfStream, or the media element errored). */
  | 'MSE'
  /** The SourceBuffer stayed full even after evicting everything behind the playhead. */
  | 'QUOTA'
  /** The transmux worker died or could not start (the player falls back to inline). */
  | 'WORKER'
  /** Reconnecting gave up after the configured attempts. */
  | 'RECONNECT_EXHAUSTED'
  /** Bad options passed by the caller. */
  | 'INVALID_ARGUMENT';

export class PlayerError extends Error {
  override readonly name = 'PlayerError';
  readonly code: PlayerErrorCode;
  readonly fatal: boolean;

  constructor(
    code: PlayerErrorCode,
    message: string,
    options: { fatal?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fatal = options.fatal ?? false;
  }
}
