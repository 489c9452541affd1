/**
 * RTMP play glue: after the session accepted `play`, the viewer's socket is subscribed to the
 * stream's RTMP packager. Its chunks (fmt 0, chunk size 4096, message stream 1, csid 4/5/6)
 * go straight to the socket: the session's own replies use csid 2/3 and are flushed after
 * every receive, so both interleave only at message boundaries.
 */
import type { Socket } from 'node:net';
import type { MediaSelection, StreamOutput } from '../hub/stream-output.js';
import type { RtmpServerSession } from '../rtmp/rtmp-session.js';
import { socketSink } from './byte-sinks.js';
import type { ViewableStream, ViewerSet } from './live-output.js';

export interface RtmpPlayer {
  id: string;
  socket: Socket;
  session: RtmpServerSession;
  streamId: number;
}

/** Subscribes the player; returns the function that unsubscribes it (stop-play, socket gone). */
export function startRtmpPlay(options: {
  conn: RtmpPlayer;
  stream: ViewableStream;
  viewers: ViewerSet;
  /** receiveAudio / receiveVideo (RTMP 7.2.2.4-5), changed by the session glue during play. */
  receive: MediaSelection;
}): () => void {
  const { conn, stream, viewers, receive } = options;
  const sink = socketSink(conn.socket, () => {
    viewers.forget(output);
    // Stream over (or server stopping): UnpublishNotify + StreamEOF (RTMP 7.1.7), then FIN.
    conn.session.sendStreamEof(conn.streamId);
    return conn.session.takeOutput();
  });
  const id = `${conn.id}-play-${conn.streamId}`;
  const output: StreamOutput = { protocol: 'rtmp', id, sink, receive };
  viewers.add(output, stream);
  return () => viewers.remove(output);
}
