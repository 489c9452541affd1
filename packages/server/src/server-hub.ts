/**
 * Thin adapter from the hub (StreamRegistry / LiveStream) to what the glue needs: a viewer
 * directory for the outputs, publisher slots for RTMP and the demo, and the JSON API view.
 */
import type { LiveStream } from './hub/live-stream.js';
import type { StreamRegistry } from './hub/stream-registry.js';
import type { ApiServer, ApiSource, ApiStream } from './http/api.js';
import type { ViewableStream } from './outputs/live-output.js';
import type { PublishHandle, RtmpHub } from './rtmp/rtmp-server.js';

export function createHubAdapter(registry: StreamRegistry): RtmpHub {
  return {
    find(key: string): ViewableStream | undefined {
      const stream = registry.get(key);
      return stream === undefined || stream.state === 'ended' ? undefined : stream;
    },
    publish(key: string, id: string, kick: () => void): PublishHandle | 'busy' {
      const stream = registry.acquirePublisher(key, id, { kick });
      if (stream === 'busy') return 'busy';
      return {
        setTrack: (track) => stream.setTrack(track),
        setMetadata: (value) => stream.setMetadata(value),
        publish: (packet) => stream.publish(packet),
        release: () => stream.detachPublisher(id),
      };
    },
    // Any publisher (RTMP or the demo loop) wakes RTMP players waiting for its key.
    onPublish: (listener) => registry.onPublish(listener),
  };
}

function apiStream(stream: LiveStream): ApiStream {
  const s = stream.stats();
  const slash = s.key.indexOf('/');
  const tracks = stream.getTracks();
  const video = tracks.find((t) => t.kind === 'video');
  const audio = tracks.find((t) => t.kind === 'audio');
  return {
    key: s.key,
    app: s.key.slice(0, slash),
    stream: s.key.slice(slash + 1),
    live: s.publishing,
    video:
      video?.kind === 'video'
        ? {
            codec: video.codec,
            codecString: video.codecString,
            width: video.width,
            height: video.height,
            fps: s.video?.fps ?? video.frameRate ?? null,
          }
        : null,
    audio:
      audio?.kind === 'audio'
        ? {
            codec: audio.codec,
            codecString: audio.codecString,
            sampleRate: audio.sampleRate,
            channels: audio.channels,
          }
        : null,
    bitrateIn: s.bitrateIn,
    bitrateOut: s.bitrateOut,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    frames: s.frames.video + s.frames.audio,
    viewers: { ...s.viewers, total: s.viewerCount },
    uptimeMs: s.uptimeMs,
  };
}

export function createApiSource(
  registry: StreamRegistry,
  server: () => Omit<ApiServer, 'streams' | 'viewers'>,
): ApiSource {
  const live = (): LiveStream[] => registry.list().filter((s) => s.state !== 'ended');
  return {
    streams: () => live().map(apiStream),
    stream: (key) => {
      const stream = registry.get(key);
      return stream === undefined || stream.state === 'ended' ? undefined : apiStream(stream);
    },
    server: () => {
      const streams = live();
      return {
        ...server(),
        streams: streams.length,
        viewers: streams.reduce((n, s) => n + s.viewerCount, 0),
      };
    },
    kick: (key) => registry.get(key)?.kickPublisher() ?? false,
  };
}
