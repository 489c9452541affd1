/**
 * AMF0 command and data messages of RTMP (Adobe RTMP spec 1.0, 7.1.1 and 7.2) and the
 * NetConnection / NetStream status objects that peers expect in replies.
 */
import {
  MediaError,
  amf0Properties,
  createAmf0Object,
  encodeAmf0,
  readAmf0Values,
} from '@tidecast/media';
import type { Amf0Object, Amf0Value } from '@tidecast/media';
import { RtmpProtocolError } from './rtmp-errors.js';
import { MessageType } from './rtmp-message.js';
import type { RtmpMessage } from './rtmp-message.js';

/** A decoded command: name, transaction id, command object, then the optional arguments. */
export interface RtmpCommand {
  name: string;
  transactionId: number;
  object: Amf0Value;
  args: Amf0Value[];
}

/** Status levels of a NetStatus info object. */
export type StatusLevel = 'status' | 'warning' | 'error';

/** Reply codes this package sends (NetConnection / NetStream status codes). */
export const StatusCode = {
  ConnectSuccess: 'NetConnection.Connect.Success',
  ConnectRejected: 'NetConnection.Connect.Rejected',
  CallFailed: 'NetConnection.Call.Failed',
  PublishStart: 'NetStream.Publish.Start',
  PublishBadName: 'NetStream.Publish.BadName',
  UnpublishSuccess: 'NetStream.Unpublish.Success',
  PlayReset: 'NetStream.Play.Reset',
  PlayStart: 'NetStream.Play.Start',
  PlayStop: 'NetStream.Play.Stop',
  PlayStreamNotFound: 'NetStream.Play.StreamNotFound',
  PlayUnpublishNotify: 'NetStream.Play.UnpublishNotify',
  PlayPublishNotify: 'NetStream.Play.PublishNotify',
  PauseNotify: 'NetStream.Pause.Notify',
  UnpauseNotify: 'NetStream.Unpause.Notify',
  SeekNotify: 'NetStream.Seek.Notify',
} as const;

/** Message stream id of every message the hub sends to RTMP players (see rtmp-session.ts). */
export const RTMP_PLAY_STREAM_ID = 1;
/** Outgoing chunk size announced after connect; hub/rtmp-packager must chunk at this size. */
export const RTMP_OUT_CHUNK_SIZE = 4096;
/** Window acknowledgement size and peer bandwidth sent in the connect reply (as FMS, NMS). */
export const RTMP_WINDOW_SIZE = 2_500_000;
/** Chunk stream of the session's own command / status messages (control uses 2). */
export const COMMAND_CHUNK_STREAM_ID = 3;

/** Server identity fields that encoders (OBS, ffmpeg, librtmp) look for in connect `_result`. */
export const FMS_VERSION = 'FMS/3,0,1,123';
export const FMS_CAPABILITIES = 31;

/**
 * Decodes a command message. Type 17 (AMF3 command) starts with a format byte 0x00 followed
 * by AMF0 values, which is what encoders that set objectEncoding 3 send (RTMP 7.1.1: the
 * AMF3 command body is AMF0 with AMF3 values switched in by the avmplus marker).
 */
export function decodeCommand(message: RtmpMessage): RtmpCommand {
  const values = decodeValues(message);
  const [name, transactionId, object, ...args] = values;
  if (typeof name !== 'string') {
    throw new RtmpProtocolError('BAD_COMMAND', 'command message does not start with a name');
  }
  return {
    name,
    transactionId: typeof transactionId === 'number' ? transactionId : 0,
    object: object ?? null,
    args,
  };
}

/** Decodes the AMF0 values of a data message (type 18, or 15 with its 0x00 format byte). */
export function decodeData(message: RtmpMessage): Amf0Value[] {
  return decodeValues(message);
}

function decodeValues(message: RtmpMessage): Amf0Value[] {
  let body = message.payload;
  const amf3 =
    message.typeId === MessageType.CommandAMF3 || message.typeId === MessageType.DataAMF3;
  if (amf3 && body.length > 0 && body[0] === 0x00) body = body.subarray(1);
  try {
    return readAmf0Values(body);
  } catch (error) {
    if (error instanceof MediaError) {
      throw new RtmpProtocolError('BAD_AMF', `bad AMF0 in message type ${message.typeId}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Encodes a command message body (AMF0): name, transaction id, object, args. */
export function encodeCommand(command: RtmpCommand): Uint8Array {
  return encodeAmf0(command.name, command.transactionId, command.object, ...command.args);
}

/** A command message (type 20) on `streamId` with timestamp 0. */
export function commandMessage(
  streamId: number,
  name: string,
  transactionId: number,
  object: Amf0Value,
  ...args: Amf0Value[]
): RtmpMessage {
  return {
    typeId: MessageType.CommandAMF0,
    streamId,
    timestamp: 0,
    payload: encodeCommand({ name, transactionId, object, args }),
  };
}

/** A data message (type 18) on `streamId` carrying `values` (e.g. '|RtmpSampleAccess'). */
export function dataMessage(streamId: number, timestamp: number, values: Amf0Value[]): RtmpMessage {
  return { typeId: MessageType.DataAMF0, streamId, timestamp, payload: encodeAmf0(...values) };
}

/** A NetStatus info object: level, code, description, plus any extra properties. */
export function statusInfo(
  level: StatusLevel,
  code: string,
  description: string,
  extra?: Readonly<Record<string, Amf0Value>>,
): Amf0Object {
  return createAmf0Object({ level, code, description, ...extra });
}

/** `onStatus` (transaction 0, null object) on a message stream (RTMP 7.2.2). */
export function onStatusMessage(streamId: number, info: Amf0Object): RtmpMessage {
  return commandMessage(streamId, 'onStatus', 0, null, info);
}

/** The `_result` of a connect (RTMP 7.2.1.1): server properties and the success info. */
export function connectResultMessage(transactionId: number, objectEncoding: number): RtmpMessage {
  const properties = createAmf0Object({ fmsVer: FMS_VERSION, capabilities: FMS_CAPABILITIES });
  const info = statusInfo('status', StatusCode.ConnectSuccess, 'Connection succeeded.', {
    objectEncoding,
  });
  return commandMessage(0, '_result', transactionId, properties, info);
}

/** `_error` for a call the server refuses or does not know: NetConnection.Call.Failed. */
export function callFailedMessage(
  streamId: number,
  transactionId: number,
  description: string,
): RtmpMessage {
  const info = statusInfo('error', StatusCode.CallFailed, description);
  return commandMessage(streamId, '_error', transactionId, null, info);
}

/** Fields of the connect command object (RTMP 7.2.1.1) the server uses. */
export interface ConnectParams {
  app: string;
  tcUrl: string;
  objectEncoding: number;
}

/** Reads app, tcUrl and objectEncoding from a connect command object; app is required. */
export function parseConnectObject(object: Amf0Value): ConnectParams {
  const props = amf0Properties(object);
  const app = props?.['app'];
  if (props === undefined || typeof app !== 'string') {
    throw new RtmpProtocolError('BAD_COMMAND', 'connect without an app name');
  }
  const tcUrl = props['tcUrl'];
  const encoding = props['objectEncoding'];
  return {
    app: splitQuery(app).name,
    tcUrl: typeof tcUrl === 'string' ? tcUrl : '',
    objectEncoding: encoding === 3 ? 3 : 0,
  };
}

/**
 * Splits "name?key=value&..." (how encoders pass stream keys and tokens in the publish or
 * play name) into the name and its decoded query parameters.
 */
export function splitQuery(raw: string): { name: string; query: Record<string, string> } {
  const at = raw.indexOf('?');
  if (at < 0) return { name: raw, query: {} };
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of raw.slice(at + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    query[key] = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
  }
  return { name: raw.slice(0, at), query };
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text; // a stray '%' is kept literally rather than failing the command
  }
}

/** The i-th argument as a string, or undefined. */
export function stringArg(args: readonly Amf0Value[], index: number): string | undefined {
  const value = args[index];
  return typeof value === 'string' ? value : undefined;
}

/** The i-th argument as a finite number, or `fallback`. */
export function numberArg(args: readonly Amf0Value[], index: number, fallback: number): number {
  const value = args[index];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
