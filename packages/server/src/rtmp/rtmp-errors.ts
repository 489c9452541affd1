/**
 * The one error family the RTMP protocol code (handshake, chunk stream, session) throws. Callers
 * switch on `code`; a session that sees one closes only the connection it came from.
 */
export type RtmpErrorCode =
  /** C0/S0 asks for a protocol version we do not speak (RTMP spec 1.0 5.2.2; 6 = RTMPE). */
  | 'BAD_VERSION'
  /** Handshake bytes that cannot be accepted (RTMP spec 1.0 5.2). */
  | 'BAD_HANDSHAKE'
  /** Set Chunk Size of 0, with the top bit set, or above the configured bound (5.4.1). */
  | 'BAD_CHUNK_SIZE'
  /** A chunk that breaks 5.3.1: fmt 1/2/3 with no earlier header, new header mid-message. */
  | 'BAD_CHUNK'
  /** A message whose declared length is above the configured bound. */
  | 'MESSAGE_TOO_LARGE'
  /** More distinct chunk stream ids than the configured bound. */
  | 'TOO_MANY_CHUNK_STREAMS'
  /** Bytes buffered for incomplete messages above the configured bound. */
  | 'BUFFER_LIMIT'
  /** A control message or command payload that cannot be decoded (5.4, 6.2, 7.1). */
  | 'BAD_MESSAGE'
  /** An AMF0 command message with no name, or a required argument missing (7.1.1, 7.2). */
  | 'BAD_COMMAND'
  /** AMF0 bytes in a command or data message that do not decode (AMF0 spec 2). */
  | 'BAD_AMF'
  /** A message that is valid on its own but not in the current session state. */
  | 'BAD_STATE'
  /** A caller passed values that cannot be written (csid out of range, bad length). */
  | 'INVALID_ARGUMENT';

export class RtmpProtocolError extends Error {
  override readonly name = 'RtmpProtocolError';
  readonly code: RtmpErrorCode;

  constructor(code: RtmpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
