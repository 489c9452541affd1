/**
 * Client side of an RTMP connection, sans-IO (Adobe RTMP spec 1.0): handshake, connect,
 * createStream, publish or play, media out, status events in. Used by `tidecast push`, relay
 * and the server tests. Commands may be issued before the handshake completes; they are held
 * and sent right after C2.
 *
 * publish(name) and play(name) run the usual encoder sequence on their own: publish sends
 * releaseStream, FCPublish and createStream, then `publish` once the stream id arrives (as
 * ffmpeg and OBS do); play sends createStream then `play`.
 */
import { amf0Properties, createAmf0Object, encodeAmf0 } from '@tidecast/media';
import type { Amf0Object, Amf0Value } from '@tidecast/media';
import { ChunkReader } from './chunk-reader.js';
import type { ChunkReaderLimits } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
import { commandMessage, decodeCommand, RTMP_OUT_CHUNK_SIZE } from './rtmp-commands.js';
import type { RtmpCommand } from './rtmp-commands.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import { RtmpClientHandshake } from './rtmp-handshake.js';
import type { ClientHandshakeOptions } from './rtmp-handshake.js';
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

/** Chunk streams of the client's messages (the ones ffmpeg uses). */
const CSID = { command: 3, audio: 4, data: 5, video: 6 } as const;
const TWO_32 = 4294967296;

/** A NetStatus info object, its three standard fields pulled out. */
export interface StatusInfo {
  level: string;
  code: string;
  description: string;
  info: Amf0Object;
}

export type RtmpClientEvent =
  | { type: 'connected'; properties: Amf0Value; info: StatusInfo }
  | { type: 'stream-created'; streamId: number; transactionId: number }
  /** onStatus (streamId > 0: NetStream) or onFCPublish / onFCUnpublish / onFCSubscribe (0). */
  | { type: 'status'; streamId: number; command: string; info: StatusInfo }
  /** `_result` / `_error` of any other call, or `_error` of connect / createStream. */
  | { type: 'result'; ok: boolean; transactionId: number; command: RtmpCommand }
  | { type: 'user-control'; event: UserControl }
  /** Audio, video and data messages of a played stream (32-bit wire timestamps). */
  | { type: 'media'; message: RtmpMessage }
  | { type: 'error'; error: RtmpProtocolError };

export interface RtmpClientSessionOptions {
  handshake?: ClientHandshakeOptions;
  chunkLimits?: ChunkReaderLimits;
  /** Outgoing chunk size announced right after the handshake (default 4096). */
  chunkSize?: number;
}

type Pending = { kind: 'publish' | 'play'; name: string; type: string };

export class RtmpClientSession {
  private readonly handshake: RtmpClientHandshake;
  private readonly reader: ChunkReader;
  private readonly writer = new ChunkWriter();
  private readonly chunkSize: number;
  private output: Uint8Array[] = [];
  private held: { message: RtmpMessage; csid: number }[] = [];
  private handshakeDone = false;
  private started = false;
  private failed = false;
  private nextTransaction = 1;
  private readonly calls = new Map<number, { name: string; then?: Pending }>();
  private received = 0;
  private lastAck = 0;
  private ackWindow = 0;
  private mediaStreamId = 0;

  constructor(options: RtmpClientSessionOptions = {}) {
    this.handshake = new RtmpClientHandshake(options.handshake);
    this.reader = new ChunkReader(options.chunkLimits);
    this.chunkSize = options.chunkSize ?? RTMP_OUT_CHUNK_SIZE;
  }

  /** Message stream id of the published or played stream (0 until createStream answers). */
  get streamId(): number {
    return this.mediaStreamId;
  }

  /** Feeds server bytes; returns what they caused. Never throws. */
  receive(bytes: Uint8Array): RtmpClientEvent[] {
    if (this.failed) return [];
    const events: RtmpClientEvent[] = [];
    try {
      this.start();
      this.received += bytes.length;
      let rest = bytes;
      if (!this.handshakeDone) {
        const r = this.handshake.receive(bytes);
        this.output.push(...r.output);
        if (!r.done) return events;
        this.handshakeDone = true;
        rest = r.rest;
        this.afterHandshake();
      }
      if (rest.length > 0) {
        for (const message of this.reader.push(rest)) this.handleMessage(message, events);
      }
      if (this.ackWindow > 0 && this.received - this.lastAck >= this.ackWindow) {
        this.lastAck = this.received;
        this.send(
          controlMessage(
            MessageType.Acknowledgement,
            encodeAcknowledgement(this.received % TWO_32),
          ),
          CONTROL_CHUNK_STREAM_ID,
        );
      }
    } catch (error) {
      this.failed = true;
      this.output = [];
      const wrapped =
        error instanceof RtmpProtocolError
          ? error
          : new RtmpProtocolError('BAD_MESSAGE', 'RTMP client session failed', { cause: error });
      events.push({ type: 'error', error: wrapped });
    }
    return events;
  }

  /** Bytes to send, in order (C0+C1 first); empties the queue. */
  takeOutput(): Uint8Array[] {
    this.start();
    const out = this.output;
    this.output = [];
    return out;
  }

  /** NetConnection.connect (7.2.1.1). Returns the transaction id. */
  connect(app: string, tcUrl: string, extra?: Readonly<Record<string, Amf0Value>>): number {
    const object = createAmf0Object({
      app,
      type: 'nonprivate',
      flashVer: 'FMLE/3.0 (compatible; Tidecast)',
      tcUrl,
      fpad: false,
      capabilities: 15,
      audioCodecs: 4071,
      videoCodecs: 252,
      videoFunction: 1,
      objectEncoding: 0,
      ...extra,
    });
    return this.call('connect', object);
  }

  /** Any command on the NetConnection (stream 0) or a NetStream; returns the transaction id. */
  call(name: string, object: Amf0Value = null, args: Amf0Value[] = [], streamId = 0): number {
    const transactionId = this.nextTransaction++;
    this.calls.set(transactionId, { name });
    this.queue([commandMessage(streamId, name, transactionId, object, ...args)]);
    return transactionId;
  }

  /** createStream (7.2.1.3); the id arrives as a `stream-created` event. */
  createStream(): number {
    return this.call('createStream');
  }

  /** releaseStream + FCPublish + createStream, then publish(name, type) on the new stream. */
  publish(name: string, type = 'live'): void {
    this.call('releaseStream', null, [name]);
    this.call('FCPublish', null, [name]);
    const id = this.createStream();
    this.calls.set(id, { name: 'createStream', then: { kind: 'publish', name, type } });
  }

  /** createStream, then play(name) on the new stream (live: start -2, duration -1). */
  play(name: string): void {
    const id = this.createStream();
    this.calls.set(id, { name: 'createStream', then: { kind: 'play', name, type: '' } });
  }

  /** Audio (8), video (9) or data (18) on the published stream; timestamp in ms (any size). */
  sendMedia(typeId: number, timestamp: number, payload: Uint8Array): void {
    const csid =
      typeId === MessageType.Audio
        ? CSID.audio
        : typeId === MessageType.Video
          ? CSID.video
          : CSID.data;
    const ts = ((Math.floor(timestamp) % TWO_32) + TWO_32) % TWO_32;
    this.queue([{ typeId, streamId: this.mediaStreamId, timestamp: ts, payload }], csid);
  }

  /** `@setDataFrame`, 'onMetaData', metadata (what encoders send after Publish.Start). */
  sendMetadata(metadata: Amf0Value): void {
    this.sendMedia(MessageType.DataAMF0, 0, encodeAmf0('@setDataFrame', 'onMetaData', metadata));
  }

  /** A user control event (e.g. a ping request). */
  sendUserControl(event: UserControl): void {
    this.queue(
      [controlMessage(MessageType.UserControl, encodeUserControl(event))],
      CONTROL_CHUNK_STREAM_ID,
    );
  }

  /** Any raw message on a chunk stream (tests: protocol control, odd types). */
  sendMessage(message: RtmpMessage, csid: number = CSID.command): void {
    this.queue([message], csid);
  }

  /** FCUnpublish + deleteStream for a publisher, deleteStream for a player. */
  close(name?: string): void {
    if (this.mediaStreamId === 0) return;
    if (name !== undefined) this.call('FCUnpublish', null, [name]);
    this.call('deleteStream', null, [this.mediaStreamId]);
    this.mediaStreamId = 0;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.output.push(this.handshake.start());
  }

  private afterHandshake(): void {
    // Announce our chunk size first, so large media messages need few chunk headers.
    this.send(
      controlMessage(MessageType.SetChunkSize, encodeSetChunkSize(this.chunkSize)),
      CONTROL_CHUNK_STREAM_ID,
    );
    this.writer.setChunkSize(this.chunkSize);
    const held = this.held;
    this.held = [];
    for (const h of held) this.send(h.message, h.csid);
  }

  private queue(messages: RtmpMessage[], csid?: number): void {
    if (this.failed) return;
    for (const message of messages) {
      const id = csid ?? csidOf(message);
      if (this.handshakeDone) this.send(message, id);
      else this.held.push({ message, csid: id });
    }
  }

  private send(message: RtmpMessage, csid: number): void {
    this.output.push(this.writer.write(csid, message));
  }

  private handleMessage(message: RtmpMessage, events: RtmpClientEvent[]): void {
    switch (message.typeId) {
      case MessageType.WindowAckSize:
        this.ackWindow = decodeWindowAckSize(message.payload);
        return;
      case MessageType.UserControl: {
        const event = decodeUserControl(message.payload);
        if (event.kind === 'ping-request') {
          this.sendUserControl({ kind: 'ping-response', timestamp: event.timestamp });
        }
        events.push({ type: 'user-control', event });
        return;
      }
      case MessageType.CommandAMF0:
      case MessageType.CommandAMF3:
        this.handleCommand(message.streamId, decodeCommand(message), events);
        return;
      case MessageType.Audio:
      case MessageType.Video:
      case MessageType.DataAMF0:
        events.push({ type: 'media', message });
        return;
      default:
        return; // SetChunkSize / Abort applied by the reader; the rest needs no action
    }
  }

  private handleCommand(streamId: number, cmd: RtmpCommand, events: RtmpClientEvent[]): void {
    if (cmd.name === 'onStatus' || cmd.name.startsWith('onFC')) {
      const info = statusOf(cmd.args[0]);
      if (info !== undefined) events.push({ type: 'status', streamId, command: cmd.name, info });
      return;
    }
    if (cmd.name !== '_result' && cmd.name !== '_error') return; // onBWDone and friends
    const ok = cmd.name === '_result';
    const call = this.calls.get(cmd.transactionId);
    this.calls.delete(cmd.transactionId);
    const info = statusOf(cmd.args[0]);
    if (ok && call?.name === 'connect' && info !== undefined) {
      events.push({ type: 'connected', properties: cmd.object, info });
      return;
    }
    const id = cmd.args[0];
    if (ok && call?.name === 'createStream' && typeof id === 'number') {
      events.push({ type: 'stream-created', streamId: id, transactionId: cmd.transactionId });
      if (call.then !== undefined) this.begin(id, call.then);
      return;
    }
    events.push({ type: 'result', ok, transactionId: cmd.transactionId, command: cmd });
  }

  private begin(streamId: number, then: Pending): void {
    this.mediaStreamId = streamId;
    if (then.kind === 'publish') this.call('publish', null, [then.name, then.type], streamId);
    else this.call('play', null, [then.name, -2, -1, true], streamId);
  }
}

function statusOf(value: Amf0Value): StatusInfo | undefined {
  const info = amf0Properties(value ?? null);
  if (info === undefined) return undefined;
  const text = (key: string): string => {
    const v = info[key];
    return typeof v === 'string' ? v : '';
  };
  return { level: text('level'), code: text('code'), description: text('description'), info };
}

function csidOf(message: RtmpMessage): number {
  if (message.typeId <= MessageType.SetPeerBandwidth) return CONTROL_CHUNK_STREAM_ID;
  return CSID.command;
}
