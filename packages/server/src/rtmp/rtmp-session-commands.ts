/**
 * NetConnection and NetStream commands on the server side (Adobe RTMP spec 1.0, 7.2): what
 * RtmpServerSession replies at once and which events it hands to the glue.
 */
import { amf0Properties } from '@tidecast/media';
import type { Amf0Value } from '@tidecast/media';
import {
  COMMAND_CHUNK_STREAM_ID,
  RTMP_OUT_CHUNK_SIZE,
  RTMP_WINDOW_SIZE,
  StatusCode,
  callFailedMessage,
  commandMessage,
  connectResultMessage,
  decodeCommand,
  numberArg,
  onStatusMessage,
  parseConnectObject,
  splitQuery,
  statusInfo,
  stringArg,
} from './rtmp-commands.js';
import type { RtmpCommand } from './rtmp-commands.js';
import {
  CONTROL_CHUNK_STREAM_ID,
  MessageType,
  PeerBandwidthLimit,
  controlMessage,
  encodeSetPeerBandwidth,
  encodeUserControl,
  encodeWindowAckSize,
} from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';
import { TimestampExtender } from './rtmp-session-media.js';
import type { RtmpSessionEvent } from './rtmp-session-events.js';

const COMMAND_CSID = COMMAND_CHUNK_STREAM_ID;
/** Longest command name echoed back in an `_error` description (keeps replies small). */
const MAX_ECHOED_NAME = 64;

export type StreamState = 'idle' | 'publish-pending' | 'publishing' | 'play-pending' | 'playing';

export interface SessionStream {
  state: StreamState;
  name: string;
  clock: TimestampExtender;
  /** A playing stream the client paused (7.2.2.8); cleared by unpause or a new play. */
  paused: boolean;
}

/** What the command handlers need from the session. */
export interface CommandContext {
  app: string | undefined;
  readonly streams: Map<number, SessionStream>;
  nextStreamId: number;
  readonly maxStreams: number;
  send(message: RtmpMessage, csid: number): void;
  setOutChunkSize(size: number): void;
}

/** Commands that need no reply (NetStream notifications and replies to our own calls). */
const SILENT = new Set(['_result', '_error', 'onStatus']);

export function handleCommand(
  ctx: CommandContext,
  message: RtmpMessage,
  events: RtmpSessionEvent[],
): void {
  const cmd = decodeCommand(message);
  const streamId = message.streamId;
  if (cmd.name === 'connect') return connect(ctx, cmd, events);
  if (SILENT.has(cmd.name)) return;
  if (ctx.app === undefined) return refuse(ctx, streamId, cmd, 'not connected');
  switch (cmd.name) {
    case 'releaseStream':
      return reply(ctx, cmd, null);
    case 'FCPublish':
      return ctx.send(
        commandMessage(0, 'onFCPublish', 0, null, fcInfo(StatusCode.PublishStart, cmd.args)),
        COMMAND_CSID,
      );
    // FCSubscribe(name): the CDN-era announcement of a live play (librtmp sends it for live
    // streams); answered like FCPublish, the play itself follows with `play`.
    case 'FCSubscribe':
      return ctx.send(
        commandMessage(0, 'onFCSubscribe', 0, null, fcInfo(StatusCode.PlayStart, cmd.args)),
        COMMAND_CSID,
      );
    case 'FCUnsubscribe':
      return ctx.send(
        commandMessage(0, 'onFCUnsubscribe', 0, null, fcInfo(StatusCode.PlayStop, cmd.args)),
        COMMAND_CSID,
      );
    case 'createStream':
      return createStream(ctx, cmd);
    case 'getStreamLength':
      return reply(ctx, cmd, null, 0); // live: no length
    case 'publish':
      return publish(ctx, streamId, cmd, events);
    case 'play':
      return play(ctx, streamId, cmd, events);
    case 'pause':
    case 'pauseRaw': // what Flash Player's NetStream sends; same arguments
      return pause(ctx, streamId, cmd, events);
    case 'receiveAudio':
      return receive(ctx, streamId, 'audio', cmd, events);
    case 'receiveVideo':
      return receive(ctx, streamId, 'video', cmd, events);
    case 'FCUnpublish':
      return fcUnpublish(ctx, cmd, events);
    case 'closeStream':
      return endStream(ctx, streamId, events);
    case 'deleteStream': {
      const id = numberArg(cmd.args, 0, -1);
      endStream(ctx, id, events);
      ctx.streams.delete(id);
      return;
    }
    default:
      return refuse(ctx, streamId, cmd, `unknown command ${cmd.name.slice(0, MAX_ECHOED_NAME)}`);
  }
}

/** 7.2.1.1: window ack size, peer bandwidth, chunk size, then `_result`. */
function connect(ctx: CommandContext, cmd: RtmpCommand, events: RtmpSessionEvent[]): void {
  if (ctx.app !== undefined) return refuse(ctx, 0, cmd, 'already connected');
  const params = parseConnectObject(cmd.object);
  const { query } = splitQuery(stringObjectField(cmd.object, 'app'));
  ctx.app = params.app;
  ctx.send(
    controlMessage(MessageType.WindowAckSize, encodeWindowAckSize(RTMP_WINDOW_SIZE)),
    CONTROL_CHUNK_STREAM_ID,
  );
  ctx.send(
    controlMessage(
      MessageType.SetPeerBandwidth,
      encodeSetPeerBandwidth(RTMP_WINDOW_SIZE, PeerBandwidthLimit.Dynamic),
    ),
    CONTROL_CHUNK_STREAM_ID,
  );
  ctx.setOutChunkSize(RTMP_OUT_CHUNK_SIZE);
  ctx.send(connectResultMessage(cmd.transactionId, params.objectEncoding), COMMAND_CSID);
  events.push({ type: 'connect', ...params, query });
}

function stringObjectField(object: Amf0Value, key: string): string {
  const value = amf0Properties(object)?.[key];
  return typeof value === 'string' ? value : '';
}

/** 7.2.1.3: a new message stream id; ids count from 1 (RTMP_PLAY_STREAM_ID). */
function createStream(ctx: CommandContext, cmd: RtmpCommand): void {
  if (ctx.streams.size >= ctx.maxStreams) return refuse(ctx, 0, cmd, 'too many streams');
  const id = ctx.nextStreamId++;
  ctx.streams.set(id, { state: 'idle', name: '', clock: new TimestampExtender(), paused: false });
  reply(ctx, cmd, null, id);
}

/**
 * The common start of publish and play: the stream must come idle from createStream and the
 * first argument must name something; answers the client itself when either fails.
 */
function claimIdleStream(
  ctx: CommandContext,
  streamId: number,
  cmd: RtmpCommand,
  verb: 'publish' | 'play',
  noNameCode: string,
):
  | { stream: SessionStream; name: string; query: ReturnType<typeof splitQuery>['query'] }
  | undefined {
  const stream = ctx.streams.get(streamId);
  const raw = stringArg(cmd.args, 0);
  if (stream === undefined || stream.state !== 'idle') {
    refuse(ctx, streamId, cmd, `${verb} needs an idle stream from createStream`);
    return undefined;
  }
  if (raw === undefined || raw === '') {
    status(ctx, streamId, 'error', noNameCode, `${verb} without a name`);
    return undefined;
  }
  const { name, query } = splitQuery(raw);
  stream.name = name;
  return { stream, name, query };
}

/** 7.2.2.6: publish(name, type) on a created stream; the glue accepts or rejects. */
function publish(
  ctx: CommandContext,
  streamId: number,
  cmd: RtmpCommand,
  events: RtmpSessionEvent[],
): void {
  const claimed = claimIdleStream(ctx, streamId, cmd, 'publish', StatusCode.PublishBadName);
  if (claimed === undefined) return;
  const { stream, name, query } = claimed;
  stream.state = 'publish-pending';
  stream.clock = new TimestampExtender();
  const publishType = stringArg(cmd.args, 1) ?? 'live';
  events.push({ type: 'publish', streamId, app: ctx.app ?? '', name, query, publishType });
}

/** 7.2.2.1: play(name, start = -2, duration = -1, reset = true). */
function play(
  ctx: CommandContext,
  streamId: number,
  cmd: RtmpCommand,
  events: RtmpSessionEvent[],
): void {
  const claimed = claimIdleStream(ctx, streamId, cmd, 'play', StatusCode.PlayStreamNotFound);
  if (claimed === undefined) return;
  const { stream, name, query } = claimed;
  stream.state = 'play-pending';
  stream.paused = false;
  const start = numberArg(cmd.args, 1, -2);
  const duration = numberArg(cmd.args, 2, -1);
  const resetArg = cmd.args[3];
  // Some clients send reset as a number (0/1/2, the old NetStream.play2 form).
  const reset = typeof resetArg === 'boolean' ? resetArg : resetArg !== 0;
  events.push({ type: 'play', streamId, app: ctx.app ?? '', name, query, start, duration, reset });
}

/**
 * 7.2.2.8: pause(flag, ms). Live has nothing to seek to, so `ms` is only reported: pausing
 * stops delivery (the glue unsubscribes; nothing is buffered meanwhile) and unpausing starts
 * again from the live edge, announced like a new play with StreamBegin (7.1.7). The glue hears
 * only real changes; a repeated pause or unpause is just confirmed again.
 */
function pause(
  ctx: CommandContext,
  streamId: number,
  cmd: RtmpCommand,
  events: RtmpSessionEvent[],
): void {
  const stream = ctx.streams.get(streamId);
  if (stream?.state !== 'playing') return refuse(ctx, streamId, cmd, 'pause without play');
  const paused = cmd.args[0] !== false;
  const timeMs = numberArg(cmd.args, 1, 0);
  const changed = stream.paused !== paused;
  stream.paused = paused;
  if (changed) events.push({ type: 'pause', streamId, paused, timeMs });
  if (paused) {
    status(ctx, streamId, 'status', StatusCode.PauseNotify, `Paused ${stream.name}.`);
    return;
  }
  ctx.send(
    controlMessage(MessageType.UserControl, encodeUserControl({ kind: 'stream-begin', streamId })),
    CONTROL_CHUNK_STREAM_ID,
  );
  status(ctx, streamId, 'status', StatusCode.UnpauseNotify, `Unpaused ${stream.name}.`);
}

/**
 * 7.2.2.4-5: receiveAudio(flag) / receiveVideo(flag). The glue filters that media for this
 * message stream (set before or during play, for the stream's life). No reply to false;
 * to true the spec's NetStream.Seek.Notify and NetStream.Play.Start when the stream is playing.
 * Not an error on a stream that is not playing (Flash may call it any time).
 */
function receive(
  ctx: CommandContext,
  streamId: number,
  kind: 'audio' | 'video',
  cmd: RtmpCommand,
  events: RtmpSessionEvent[],
): void {
  const stream = ctx.streams.get(streamId);
  if (stream === undefined) return;
  const enabled = cmd.args[0] !== false;
  events.push({ type: 'receive', streamId, kind, enabled });
  if (!enabled || stream.state !== 'playing') return;
  status(ctx, streamId, 'status', StatusCode.SeekNotify, `Seeking ${stream.name}.`);
  status(ctx, streamId, 'status', StatusCode.PlayStart, `Started playing ${stream.name}.`);
}

/** FCUnpublish(name): ends the publishing stream of that name, if any. */
function fcUnpublish(ctx: CommandContext, cmd: RtmpCommand, events: RtmpSessionEvent[]): void {
  const name = splitQuery(stringArg(cmd.args, 0) ?? '').name;
  for (const [id, stream] of ctx.streams) {
    if (stream.name !== name || stream.state !== 'publishing') continue;
    endStream(ctx, id, events);
    return;
  }
}

/** closeStream / deleteStream / FCUnpublish: stop whatever the stream was doing. */
function endStream(ctx: CommandContext, streamId: number, events: RtmpSessionEvent[]): void {
  const stream = ctx.streams.get(streamId);
  if (stream === undefined) return;
  if (stream.state === 'publishing') {
    events.push({ type: 'unpublish', streamId });
    status(ctx, streamId, 'status', StatusCode.UnpublishSuccess, `${stream.name} is unpublished.`);
  } else if (stream.state === 'playing' || stream.state === 'play-pending') {
    // play-pending too: the glue may be holding the player until its stream starts.
    events.push({ type: 'stop-play', streamId });
  }
  // A pending decision is dropped: accept/reject later find the stream idle and do nothing.
  stream.state = 'idle';
  stream.paused = false;
}

function reply(ctx: CommandContext, cmd: RtmpCommand, object: Amf0Value, ...args: Amf0Value[]) {
  ctx.send(commandMessage(0, '_result', cmd.transactionId, object, ...args), COMMAND_CSID);
}

function refuse(ctx: CommandContext, streamId: number, cmd: RtmpCommand, text: string): void {
  ctx.send(callFailedMessage(streamId, cmd.transactionId, text), COMMAND_CSID);
}

function status(
  ctx: CommandContext,
  streamId: number,
  level: 'status' | 'error',
  code: string,
  text: string,
): void {
  ctx.send(onStatusMessage(streamId, statusInfo(level, code, text)), COMMAND_CSID);
}

function fcInfo(code: string, args: readonly Amf0Value[]) {
  return statusInfo('status', code, stringArg(args, 0) ?? '');
}
