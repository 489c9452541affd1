/**
 * One RTMP TCP connection as the server glue (rtmp-server.ts) sees it: its sans-IO session,
 * the stream it publishes, the streams it plays, and how its output reaches the socket.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { MediaSelection } from '../hub/stream-output.js';
import type { PublishTarget } from '../publish-target.js';
import type { RtmpIngest } from './rtmp-ingest.js';
import { RtmpServerSession } from './rtmp-session.js';

/** A claimed publisher slot on a live stream; `release` starts the reconnect grace period. */
export interface PublishHandle extends PublishTarget {
  release(): void;
}

export interface Publishing {
  key: string;
  streamId: number;
  handle: PublishHandle;
  ingest: RtmpIngest;
}

/** One played message stream: the stream key, and how to end what is active for it now. */
export interface Play {
  readonly key: string;
  /** Cancels the wait, unsubscribes from the hub, or cancels the paused-too-long timer. */
  stop: () => void;
}

export class RtmpConnection {
  readonly id: string;
  readonly session = new RtmpServerSession();
  publishing: Publishing | undefined;
  /** Plays (waiting, subscribed or paused) by message stream id. */
  readonly plays = new Map<number, Play>();
  /** receiveAudio / receiveVideo choices by message stream id (read by the hub as it sends). */
  private readonly selections = new Map<number, MediaSelection>();
  closed = false;
  /** Hard deadline for handshake + connect + publish/play (cleared once one is accepted). */
  setupDeadline: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: Socket,
    id: number,
    readonly log: Logger,
  ) {
    this.id = `rtmp-${id}`;
  }

  /** The media selection of a message stream: everything until the client says otherwise. */
  selection(streamId: number): MediaSelection {
    let selection = this.selections.get(streamId);
    if (selection === undefined) {
      selection = { audio: true, video: true };
      this.selections.set(streamId, selection);
    }
    return selection;
  }

  /** Writes whatever the session has queued, in one corked batch. */
  flush(): void {
    if (this.closed || !this.socket.writable) return;
    const output = this.session.takeOutput();
    if (output.length === 0) return;
    this.socket.cork();
    for (const bytes of output) this.socket.write(bytes);
    this.socket.uncork();
  }

  /** Sends what is queued, then FIN once it is written. */
  flushAndEnd(): void {
    this.flush();
    this.socket.destroySoon();
  }
}
