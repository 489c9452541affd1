/**
 * `tidecast push FILE|URL RTMP_URL [--loop]`: publishes an FLV file (or an http(s) URL serving
 * FLV, e.g. another server's HTTP-FLV) to an RTMP server, paced in real time by the tag
 * timestamps. With --loop the source starts over with timestamps continuing.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FlvTagType, readAmf0Values } from '@tidecast/media';
import { RtmpClientSession } from '../rtmp/rtmp-client-session.js';
import type { RtmpClientEvent } from '../rtmp/rtmp-client-session.js';
import { MessageType } from '../rtmp/rtmp-message.js';
import { CliError, EXIT_USAGE } from './cli-errors.js';
import type { CommandArgs } from './command-args.js';
import { readFlvTags } from './flv-tag-reader.js';
import type { FlvRawTag } from './flv-tag-reader.js';
import { readChunks } from './read-chunks.js';

export interface RtmpTarget {
  host: string;
  port: number;
  app: string;
  /** Stream name with any query string (`key?token=x`), as publish sends it. */
  name: string;
  tcUrl: string;
}

/** rtmp://HOST[:PORT]/APP/STREAM[?query] */
export function parseRtmpUrl(text: string): RtmpTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`not a URL: ${text}`, EXIT_USAGE);
  }
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (url.protocol !== 'rtmp:' || parts.length < 2 || url.hostname === '') {
    throw new CliError(`expected rtmp://HOST[:PORT]/APP/STREAM, got ${text}`, EXIT_USAGE);
  }
  const [app = ''] = parts;
  const name = parts.slice(1).join('/') + url.search;
  const port = url.port === '' ? 1935 : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port, app, name, tcUrl: `rtmp://${url.host}/${app}` };
}

async function* httpChunks(url: string): AsyncGenerator<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok || res.body === null) throw new CliError(`${url}: HTTP ${res.status}`);
  const reader = res.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

function sourceChunks(source: string): AsyncIterable<Uint8Array> {
  return /^https?:\/\//i.test(source) ? httpChunks(source) : readChunks(source);
}

/** A connected RTMP publisher: resolves once NetStream.Publish.Start arrives. */
class Publisher {
  private readonly session = new RtmpClientSession();
  private readonly socket: Socket;
  private failure: Error | undefined;
  private drained: (() => void) | undefined;
  readonly ready: Promise<void>;

  constructor(target: RtmpTarget) {
    this.socket = connect({ host: target.host, port: target.port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        this.failure ??= error;
        reject(error);
        this.drained?.();
      };
      this.socket.on('error', (e) => fail(new CliError(`${target.tcUrl}: ${e.message}`)));
      this.socket.on('close', () => fail(new CliError(`${target.tcUrl}: connection closed`)));
      this.socket.on('drain', () => this.drained?.());
      this.socket.on('data', (bytes: Buffer) => {
        for (const event of this.session.receive(new Uint8Array(bytes))) {
          this.onEvent(event, target, resolve, fail);
        }
        this.flush();
      });
    });
    this.ready.catch(() => undefined);
    this.session.connect(target.app, target.tcUrl);
    this.session.publish(target.name);
    this.flush();
  }

  private onEvent(
    event: RtmpClientEvent,
    target: RtmpTarget,
    resolve: () => void,
    fail: (e: Error) => void,
  ): void {
    if (event.type === 'error') fail(new CliError(`RTMP protocol error: ${event.error.message}`));
    if (event.type === 'result' && !event.ok) {
      fail(new CliError(`${target.tcUrl}: ${event.command.name} refused`));
    }
    if (event.type === 'status' && event.info.level === 'error') {
      fail(
        new CliError(
          `${target.tcUrl}/${target.name}: ${event.info.code} ${event.info.description}`,
        ),
      );
    }
    if (event.type === 'status' && event.info.code === 'NetStream.Publish.Start') resolve();
  }

  flush(): void {
    for (const bytes of this.session.takeOutput()) this.socket.write(bytes);
  }

  /** Sends one tag; waits for drain when the socket buffer is full. */
  async send(tag: FlvRawTag, timestamp: number): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (tag.tagType === FlvTagType.Script) {
      const values = readAmf0Values(tag.body);
      if (values[0] === 'onMetaData' && values[1] !== undefined)
        this.session.sendMetadata(values[1]);
    } else if (tag.tagType === FlvTagType.Audio || tag.tagType === FlvTagType.Video) {
      const type = tag.tagType === FlvTagType.Audio ? MessageType.Audio : MessageType.Video;
      this.session.sendMedia(type, timestamp, tag.body);
    }
    this.flush();
    if (this.socket.writableNeedDrain) {
      await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
    }
  }

  async end(name: string): Promise<void> {
    this.session.close(name);
    this.flush();
    await new Promise<void>((resolve) => this.socket.end(resolve));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function pushCommand(args: CommandArgs): Promise<number> {
  const [source = '', url = ''] = args.positionals;
  const target = parseRtmpUrl(url);
  const publisher = new Publisher(target);
  await publisher.ready;
  const started = performance.now();
  let offset = 0; // added per loop so timestamps continue
  let loops = 0;
  do {
    let first: number | undefined;
    let last = 0;
    let lastStep = 0;
    for await (const tag of readFlvTags(sourceChunks(source))) {
      if (loops > 0 && tag.tagType === FlvTagType.Script) continue;
      first ??= tag.timestamp;
      const ts = tag.timestamp - first + offset;
      if (tag.tagType === FlvTagType.Video && ts > last) lastStep = ts - last;
      last = Math.max(last, ts);
      const wait = ts - (performance.now() - started);
      if (wait > 1) await sleep(wait);
      await publisher.send(tag, ts);
    }
    offset = last + Math.max(lastStep, 1);
    loops++;
  } while (args.flags.has('loop'));
  await publisher.end(target.name);
  return 0;
}
