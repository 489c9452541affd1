/**
 * The one error family every parser in @tidecast/media throws. Callers switch on `code`;
 * `offset` says where in the input the problem was found (bytes from the start of the stream)
 * when the parser knows it.
 */
export type MediaErrorCode =
  /** Input ended before a structure was complete (only thrown by whole-buffer readers). */
  | 'TRUNCATED'
  /** A structure breaks its spec: bad signature, impossible size, bad length field. */
  | 'MALFORMED'
  /** Valid input using a feature we do not handle (AMF3 value, unknown codec id). */
  | 'UNSUPPORTED'
  /** A checksum or back-pointer (CRC-32, FLV PreviousTagSize) disagrees. */
  | 'CHECKSUM'
  /** A caller passed values that cannot be written (negative size, field overflow). */
  | 'INVALID_ARGUMENT'
  /** A configured bound (buffer size, nesting depth) was hit. */
  | 'LIMIT_EXCEEDED';

export interface MediaErrorOptions {
  offset?: number | undefined;
  cause?: unknown;
}

export class MediaError extends Error {
  override readonly name: string = 'MediaError';
  readonly code: MediaErrorCode;
  readonly offset: number | undefined;

  constructor(code: MediaErrorCode, message: string, options: MediaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.offset = options.offset;
  }
}

export class TruncatedError extends MediaError {
  override readonly name = 'TruncatedError';
  constructor(message: string, options?: MediaErrorOptions) {
    super('TRUNCATED', message, options);
  }
}

export class MalformedError extends MediaError {
  override readonly name = 'MalformedError';
  constructor(message: string, options?: MediaErrorOptions) {
    super('MALFORMED', message, options);
  }
}

export class UnsupportedError extends MediaError {
  override readonly name = 'UnsupportedError';
  constructor(message: string, options?: MediaErrorOptions) {
    super('UNSUPPORTED', message, options);
  }
}

export class ChecksumError extends MediaError {
  override readonly name = 'ChecksumError';
  constructor(message: string, options?: MediaErrorOptions) {
    super('CHECKSUM', message, options);
  }
}

export class InvalidArgumentError extends MediaError {
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, options?: MediaErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}

export class LimitExceededError extends MediaError {
  override readonly name = 'LimitExceededError';
  constructor(message: string, options?: MediaErrorOptions) {
    super('LIMIT_EXCEEDED', message, options);
  }
}

/**
 * Runs `fn` and turns anything that is not a MediaError (a RangeError from a DataView on a
 * short buffer, say) into a MalformedError with the original as `cause`, so callers of a parser
 * only ever see MediaError.
 */
export function asMediaError(error: unknown, offset?: number): MediaError {
  if (error instanceof MediaError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new MalformedError(`unexpected parser failure: ${text}`, { offset, cause: error });
}
