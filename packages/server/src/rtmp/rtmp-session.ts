/**
 * Server side of one RTMP connection, sans-IO (Adobe RTMP spec 1.0): bytes in via receive(),
 * events out, bytes to send via takeOutput(). The socket glue makes the decisions the session
 * cannot (publish / play allowed?) and calls acceptPublish / rejectPublish / acceptPlay /
 * rejectPlay. Anything malformed yields one `error` event; the session then produces no more
 * output and the glue closes the socket (calling close() for the clean-up events).
 *
 * Play and shared media bytes: every player gets its media from hub/rtmp-packager, which
 * serializes each message once with message stream id RTMP_PLAY_STREAM_ID (1) and a fmt 0
 * header at chunk size RTMP_OUT_CHUNK_SIZE, and the glue queues those bytes with writeRaw().
 * Stream id 1 is what the first createStream of a connection returns, and players (Flash,
 * ffmpeg, librtmp, OBS) call createStream once before play; the packager's chunk stream ids
 * (4, 5, 6) are never used by this session's own writer, so its header compression on chunk
 * streams 2 and 3 stays valid between raw writes.
 */
import { ChunkReader } from './chunk-reader.js';
import type { ChunkReaderLimits } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import { RtmpServerHandshake } from './rtmp-handshake.js';
import type { HandshakeOptions } from './rtmp-handshake.js';
import {
  CONTROL_CHUNK_STREAM_ID,
  MessageType,
  controlMessage,
  decodeUserControl,
  decodeWindowAckSize,
  encodeAcknowledgement,
  encodeSetChunkSize,
  encodeUserControl,
} from './rtmp-message.js';
import type { RtmpMessage, UserControl } from './rtmp-message.js';
import {
  COMMAND_CHUNK_STREAM_ID,
  dataMessage,
  onStatusMessage,
  statusInfo,
} from './rtmp-commands.js';
import { handleCommand } from './rtmp-session-commands.js';
import type { RtmpSessionEvent } from './rtmp-session-events.js';
import type { CommandContext, SessionStream } from './rtmp-session-commands.js';
import { mediaEvents } from './rtmp-session-media.js';

export type { RtmpSessionEvent } from './rtmp-session-events.js';
export {
  COMMAND_CHUNK_STREAM_ID,
  RTMP_OUT_CHUNK_SIZE,
  RTMP_PLAY_STREAM_ID,
  RTMP_WINDOW_SIZE,
} from './rtmp-commands.js';

const TWO_32 = 4294967296;
/** Peers may ask for acks at tiny windows; one ack per 4 KiB keeps our output bounded. */
const MIN_ACK_WINDOW = 4096;

export interface RtmpServerSessionOptions {
  chunkLimits?: ChunkReaderLimits;
  handshake?: HandshakeOptions;
  /** Most message streams one connection may create (default 8). */
  maxStreams?: number;
}

export type PublishRejectCode = 'NetStream.Publish.BadName' | 'NetStream.Publish.Denied';
export type PlayRejectCode = 'NetStream.Play.StreamNotFound' | 'NetStream.Play.Failed';

export class RtmpServerSession {
  private readonly handshake: RtmpServerHandshake;
  private readonly reader: ChunkReader;
  private readonly writer = new ChunkWriter();
  private readonly ctx: CommandContext;
  private output: Uint8Array[] = [];
  private queuedBytes = 0;
  private handshakeDone = false;
  private failed = false;
  private closed = false;
  private received = 0;
  private lastAck = 0;
  private ackWindow = 0;

  constructor(options: RtmpServerSessionOptions = {}) {
    this.handshake = new RtmpServerHandshake(options.handshake);
    this.reader = new ChunkReader(options.chunkLimits);
    this.ctx = {
      app: undefined,
      streams: new Map<number, SessionStream>(),
      nextStreamId: 1,
      maxStreams: options.maxStreams ?? 8,
      send: (msg, csid) => this.send(msg, csid),
      setOutChunkSize: (size) => this.setOutChunkSize(size),
    };
  }

  /** Feeds socket bytes (any split); returns what they caused, in order. Never throws. */
  receive(bytes: Uint8Array): RtmpSessionEvent[] {
    if (this.failed || this.closed) return [];
    const events: RtmpSessionEvent[] = [];
    try {
      this.received += bytes.length;
      let rest = bytes;
      if (!this.handshakeDone) {
        const r = this.handshake.receive(bytes);
        for (const out of r.output) this.enqueue(out);
        if (!r.done) return events;
        this.handshakeDone = true;
        rest = r.rest;
      }
      if (rest.length > 0) {
        for (const message of this.reader.push(rest)) this.handleMessage(message, events);
      }
      this.maybeAcknowledge();
    } catch (error) {
      events.push({ type: 'error', error: this.fail(error) });
    }
    return events;
  }

  /** Bytes to send, in order; empties the queue. Empty after an error. */
  takeOutput(): Uint8Array[] {
    const out = this.output;
    this.output = [];
    this.queuedBytes = 0;
    return out;
  }

  /** Bytes waiting in the output queue. */
  get pendingOutputBytes(): number {
    return this.queuedBytes;
  }

  /** App name from connect, once connected. */
  get app(): string | undefined {
    return this.ctx.app;
  }

  get isFailed(): boolean {
    return this.failed;
  }

  /** Queues pre-serialized chunk bytes (hub/rtmp-packager) for a playing client. */
  writeRaw(bytes: Uint8Array): void {
    this.enqueue(bytes);
  }

  /** Publish allowed: StreamBegin + onStatus NetStream.Publish.Start. False if not pending. */
  acceptPublish(streamId: number): boolean {
    const stream = this.pending(streamId, 'publish-pending');
    if (stream === undefined) return false;
    stream.state = 'publishing';
    this.userControl({ kind: 'stream-begin', streamId });
    this.status(streamId, 'status', 'NetStream.Publish.Start', `${stream.name} is now published.`);
    return true;
  }

  /** Publish refused (e.g. BadName when the key is taken): onStatus error; stream idle again. */
  rejectPublish(streamId: number, code: PublishRejectCode | string, description: string): boolean {
    const stream = this.pending(streamId, 'publish-pending');
    if (stream === undefined) return false;
    stream.state = 'idle';
    this.status(streamId, 'error', code, description);
    return true;
  }

  /**
   * Play allowed: StreamBegin, onStatus Play.Reset and Play.Start, then |RtmpSampleAccess
   * (lets Flash players read samples); media follows via writeRaw().
   */
  acceptPlay(streamId: number): boolean {
    const stream = this.pending(streamId, 'play-pending');
    if (stream === undefined) return false;
    stream.state = 'playing';
    const name = stream.name;
    this.userControl({ kind: 'stream-begin', streamId });
    this.status(streamId, 'status', 'NetStream.Play.Reset', `Playing and resetting ${name}.`);
    this.status(streamId, 'status', 'NetStream.Play.Start', `Started playing ${name}.`);
    this.send(dataMessage(streamId, 0, ['|RtmpSampleAccess', true, true]), COMMAND_CHUNK_STREAM_ID);
    return true;
  }

  /** Play refused (unknown stream, auth): onStatus error; stream idle again. */
  rejectPlay(streamId: number, code: PlayRejectCode | string, description: string): boolean {
    const stream = this.pending(streamId, 'play-pending');
    if (stream === undefined) return false;
    stream.state = 'idle';
    this.status(streamId, 'error', code, description);
    return true;
  }

  /** The played stream ended (publisher gone for good): UnpublishNotify + StreamEOF. */
  sendStreamEof(streamId: number): boolean {
    const stream = this.ctx.streams.get(streamId);
    if (this.failed || this.closed || stream?.state !== 'playing') return false;
    this.status(
      streamId,
      'status',
      'NetStream.Play.UnpublishNotify',
      `${stream.name} is unpublished.`,
    );
    this.userControl({ kind: 'stream-eof', streamId });
    return true;
  }

  /**
   * The server stopped this play on its own (e.g. paused too long): NetStream.Play.Stop, then
   * StreamEOF (7.1.7); the stream is idle again, so a later pause gets `_error`.
   */
  stopPlay(streamId: number, description: string): boolean {
    const stream = this.ctx.streams.get(streamId);
    if (this.failed || this.closed || stream?.state !== 'playing') return false;
    this.status(streamId, 'status', 'NetStream.Play.Stop', description);
    this.userControl({ kind: 'stream-eof', streamId });
    stream.state = 'idle';
    stream.paused = false;
    return true;
  }

  /**
   * The connection is gone (socket closed or glue closing after an error): unpublish /
   * stop-play for every active stream, then close. Later calls return [].
   */
  close(): RtmpSessionEvent[] {
    if (this.closed) return [];
    this.closed = true;
    const events: RtmpSessionEvent[] = [];
    for (const [streamId, stream] of this.ctx.streams) {
      if (stream.state === 'publishing') events.push({ type: 'unpublish', streamId });
      if (stream.state === 'playing' || stream.state === 'play-pending') {
        events.push({ type: 'stop-play', streamId });
      }
      stream.state = 'idle';
    }
    events.push({ type: 'close' });
    this.output = [];
    this.queuedBytes = 0;
    return events;
  }

  private handleMessage(message: RtmpMessage, events: RtmpSessionEvent[]): void {
    switch (message.typeId) {
      case MessageType.SetChunkSize:
      case MessageType.Abort:
        return; // applied by the chunk reader where the message ends (5.4.1, 5.4.2)
      case MessageType.Acknowledgement:
      case MessageType.SetPeerBandwidth:
        return; // we do not throttle our output on the peer's acks (as FMS, NMS)
      case MessageType.WindowAckSize:
        this.ackWindow = Math.max(MIN_ACK_WINDOW, decodeWindowAckSize(message.payload));
        return;
      case MessageType.UserControl: {
        const event = decodeUserControl(message.payload);
        if (event.kind === 'ping-request') {
          this.userControl({ kind: 'ping-response', timestamp: event.timestamp });
        }
        return; // SetBufferLength and others need no reply from a live server
      }
      case MessageType.CommandAMF0:
      case MessageType.CommandAMF3:
        handleCommand(this.ctx, message, events);
        return;
      case MessageType.Audio:
      case MessageType.Video:
      case MessageType.DataAMF0:
      case MessageType.DataAMF3:
      case MessageType.Aggregate: {
        const stream = this.ctx.streams.get(message.streamId);
        // Media before acceptPublish (or on a stream that is not publishing) is dropped.
        if (stream?.state !== 'publishing') return;
        for (const m of mediaEvents(stream.clock, message)) {
          events.push({ type: 'media', streamId: message.streamId, message: m });
        }
        return;
      }
      default:
        return; // shared objects and unknown types: ignored, as peers must (5.4)
    }
  }

  /** 5.4.3: acknowledge once the bytes received since the last ack reach the window. */
  private maybeAcknowledge(): void {
    if (this.ackWindow === 0 || this.received - this.lastAck < this.ackWindow) return;
    this.lastAck = this.received;
    const sequence = this.received % TWO_32;
    this.send(
      controlMessage(MessageType.Acknowledgement, encodeAcknowledgement(sequence)),
      CONTROL_CHUNK_STREAM_ID,
    );
  }

  private pending(
    streamId: number,
    state: 'publish-pending' | 'play-pending',
  ): SessionStream | undefined {
    if (this.failed || this.closed) return undefined;
    const stream = this.ctx.streams.get(streamId);
    return stream?.state === state ? stream : undefined;
  }

  private status(streamId: number, level: 'status' | 'error', code: string, text: string): void {
    this.send(onStatusMessage(streamId, statusInfo(level, code, text)), COMMAND_CHUNK_STREAM_ID);
  }

  private userControl(event: UserControl): void {
    this.send(
      controlMessage(MessageType.UserControl, encodeUserControl(event)),
      CONTROL_CHUNK_STREAM_ID,
    );
  }

  private send(message: RtmpMessage, csid: number): void {
    if (this.failed || this.closed) return;
    this.enqueue(this.writer.write(csid, message));
  }

  private setOutChunkSize(size: number): void {
    this.send(
      controlMessage(MessageType.SetChunkSize, encodeSetChunkSize(size)),
      CONTROL_CHUNK_STREAM_ID,
    );
    this.writer.setChunkSize(size);
  }

  private enqueue(bytes: Uint8Array): void {
    if (this.failed || this.closed || bytes.length === 0) return;
    this.output.push(bytes);
    this.queuedBytes += bytes.length;
  }

  private fail(error: unknown): RtmpProtocolError {
    this.failed = true;
    this.output = [];
    this.queuedBytes = 0;
    return error instanceof RtmpProtocolError
      ? error
      : new RtmpProtocolError('BAD_MESSAGE', 'RTMP session failed', { cause: error });
  }
}
