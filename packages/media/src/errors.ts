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

/** An instance of a MediaError subclass fixed to one `code`, `name` naming the subclass. */
export type MediaErrorOf<C extends MediaErrorCode, N extends string> = MediaError & {
  readonly code: C;
  readonly name: N;
};

/** The class (constructor) side of MediaErrorOf; `instanceof` narrows to MediaErrorOf<C, N>. */
export interface MediaErrorClass<C extends MediaErrorCode, N extends string> {
  new (message: string, options?: MediaErrorOptions): MediaErrorOf<C, N>;
  readonly prototype: MediaErrorOf<C, N>;
}

/** Builds a MediaError subclass; the class's own name is `name` too (stack traces, logs). */
function mediaErrorClass<C extends MediaErrorCode, N extends string>(
  code: C,
  name: N,
): MediaErrorClass<C, N> {
  const cls = class extends MediaError {
    override readonly name: N = name;
    declare readonly code: C;
    constructor(message: string, options?: MediaErrorOptions) {
      super(code, message, options);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

export const TruncatedError = mediaErrorClass('TRUNCATED', 'TruncatedError');
export type TruncatedError = InstanceType<typeof TruncatedError>;
export const MalformedError = mediaErrorClass('MALFORMED', 'MalformedError');
export type MalformedError = InstanceType<typeof MalformedError>;
export const UnsupportedError = mediaErrorClass('UNSUPPORTED', 'UnsupportedError');
export type UnsupportedError = InstanceType<typeof UnsupportedError>;
export const ChecksumError = mediaErrorClass('CHECKSUM', 'ChecksumError');
export type ChecksumError = InstanceType<typeof ChecksumError>;
export const InvalidArgumentError = mediaErrorClass('INVALID_ARGUMENT', 'InvalidArgumentError');
export type InvalidArgumentError = InstanceType<typeof InvalidArgumentError>;
export const LimitExceededError = mediaErrorClass('LIMIT_EXCEEDED', 'LimitExceededError');
export type LimitExceededError = InstanceType<typeof LimitExceededError>;

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

/** Runs `fn` and passes anything it throws through asMediaError: the exit of a whole-buffer parser. */
export function onlyMediaErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw asMediaError(error);
  }
}
