/**
 * RTMP clients for the live tests, over real sockets: a well-behaved publisher built on the
 * package's sans-IO RtmpClientSession, and a raw socket that has completed the handshake so a
 * test can send any bytes it likes after it.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FlvTagType, readAmf0Values } from '@tidecast/media';
import { RtmpClientSession } from '../../packages/server/src/rtmp/rtmp-client-session.js';
import type { RtmpClientEvent } from '../../packages/server/src/rtmp/rtmp-client-session.js';
import { RtmpClientHandshake } from '../../packages/server/src/rtmp/rtmp-handshake.js';
import { MessageType } from '../../packages/server/src/rtmp/rtmp-message.js';
import type { RtmpMessage } from '../../packages/server/src/rtmp/rtmp-message.js';
import type { ClipTag } from './media-clip.js';

/** Resolves true when `socket` closes within `timeoutMs`, false otherwise. */
export function closesWithin(socket: Socket, timeoutMs: number): Promise<boolean> {
  if (socket.destroyed || socket.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * A raw socket past the RTMP handshake (C0/C1 -> S0/S1/S2 -> C2); the chunk stream starts
 * with the next byte written, at the default chunk size of 128.
 */
export async function handshakenSocket(port: number): Promise<Socket> {
  const socket = await openSocket(port);
  socket.on('error', () => undefined);
  const handshake = new RtmpClientHandshake();
  socket.write(handshake.start());
  await new Promise<void>((resolve, reject) => {
    const onData = (bytes: Buffer): void => {
      try {
        const r = handshake.receive(new Uint8Array(bytes));
        for (const out of r.output) socket.write(out);
        if (r.done) {
          socket.off('data', onData);
          resolve();
        }
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
  return socket;
}

/** A publisher or player driven by RtmpClientSession over a real socket. */
export class RtmpTestClient {
  readonly session = new RtmpClientSession();
  readonly events: RtmpClientEvent[] = [];
  readonly closed: Promise<void>;
  private waiters: {
    test: (e: RtmpClientEvent) => boolean;
    resolve: (e: RtmpClientEvent) => void;
  }[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (bytes: Buffer) => {
      for (const event of this.session.receive(new Uint8Array(bytes))) {
        this.events.push(event);
        this.waiters = this.waiters.filter((w) => {
          if (!w.test(event)) return true;
          w.resolve(event);
          return false;
        });
      }
      this.flush();
    });
  }

  /** Connects to `app` (NetConnection.Connect.Success awaited). */
  static async connect(port: number, app = 'live'): Promise<RtmpTestClient> {
    const client = new RtmpTestClient(await openSocket(port));
    client.session.connect(app, `rtmp://127.0.0.1:${port}/${app}`);
    client.flush();
    await client.waitFor((e) => e.type === 'connected', `connect to ${app}`);
    return client;
  }

  /** Connects and publishes `app/name`; resolves on NetStream.Publish.Start. */
  static async publish(port: number, key: string): Promise<RtmpTestClient> {
    const [app = '', name = ''] = key.split('/');
    const client = await RtmpTestClient.connect(port, app);
    client.session.publish(name);
    client.flush();
    const status = await client.waitFor(
      (e) => e.type === 'status' && e.streamId > 0,
      `publish ${key}`,
    );
    if (status.type !== 'status' || status.info.code !== 'NetStream.Publish.Start') {
      client.destroy();
      throw new Error(`publish ${key} refused: ${JSON.stringify(status)}`);
    }
    return client;
  }

  /** Connects and plays `app/name`; resolves on NetStream.Play.Start. */
  static async play(port: number, key: string): Promise<RtmpTestClient> {
    const [app = '', name = ''] = key.split('/');
    const client = await RtmpTestClient.connect(port, app);
    client.session.play(name);
    client.flush();
    await client.waitFor(
      (e) => e.type === 'status' && e.info.code === 'NetStream.Play.Start',
      `play ${key}`,
    );
    return client;
  }

  /** Resolves with the first event (already received or future) that passes `test`. */
  waitFor(
    test: (e: RtmpClientEvent) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<RtmpClientEvent> {
    const seen = this.events.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
      void this.closed.then(() => {
        clearTimeout(timer);
        reject(new Error(`connection closed while waiting for ${what}`));
      });
    }).then((e) => e as RtmpClientEvent);
  }

  /** Sends one FLV tag body as the RTMP message of its type (RTMP spec 7.1.4-7.1.5). */
  sendTag(tag: ClipTag, timestamp: number): void {
    if (tag.tagType === FlvTagType.Script) {
      const values = readAmf0Values(tag.body);
      if (values[0] === 'onMetaData' && values[1] !== undefined)
        this.session.sendMetadata(values[1]);
    } else {
      const type = tag.tagType === FlvTagType.Audio ? MessageType.Audio : MessageType.Video;
      this.session.sendMedia(type, timestamp, tag.body);
    }
    this.flush();
  }

  sendMessage(message: RtmpMessage, csid: number): void {
    this.session.sendMessage(message, csid);
    this.flush();
  }

  /** Bytes straight onto the socket, after whatever the session has queued. */
  writeRaw(bytes: Uint8Array): void {
    this.flush();
    if (this.socket.writable) this.socket.write(bytes);
  }

  flush(): void {
    const out = this.session.takeOutput();
    if (!this.socket.writable) return;
    for (const bytes of out) this.socket.write(bytes);
  }

  /** FCUnpublish + deleteStream, then FIN. */
  async end(name?: string): Promise<void> {
    this.session.close(name);
    this.flush();
    this.socket.end();
    await this.closed;
  }

  /** Drops the connection abruptly (no unpublish; RST when data is pending). */
  destroy(): void {
    this.socket.resetAndDestroy();
  }
}
