/**
 * `GET /metrics` in the Prometheus text exposition format 0.0.4: one HELP/TYPE block per
 * metric, label values escaped (backslash, quote, newline).
 */
import { OUTPUT_PROTOCOLS } from '../hub/stream-output.js';
import type { ApiContext } from './api.js';

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

class MetricText {
  private readonly lines: string[] = [];

  metric(
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    samples: readonly { labels?: Record<string, string>; value: number }[],
  ): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const { labels, value } of samples) {
      const text =
        labels === undefined
          ? ''
          : `{${Object.entries(labels)
              .map(([k, v]) => `${k}="${label(v)}"`)
              .join(',')}}`;
      this.lines.push(`${name}${text} ${Number.isFinite(value) ? value : 0}`);
    }
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export function renderMetrics(ctx: ApiContext): string {
  const server = ctx.api.server();
  const streams = ctx.api.streams();
  const out = new MetricText();
  out.metric('tidecast_uptime_seconds', 'gauge', 'Seconds since the server started.', [
    { value: server.uptimeMs / 1000 },
  ]);
  out.metric('tidecast_process_resident_memory_bytes', 'gauge', 'Resident set size.', [
    { value: server.memory.rss },
  ]);
  out.metric('tidecast_rtmp_connections', 'gauge', 'Open RTMP connections.', [
    { value: server.rtmp.connections },
  ]);
  out.metric(
    'tidecast_rtmp_waiting_players',
    'gauge',
    'RTMP players held until their stream starts.',
    [{ value: server.rtmp.waitingPlayers }],
  );
  out.metric('tidecast_streams', 'gauge', 'Live streams in the registry.', [
    { value: streams.length },
  ]);
  out.metric('tidecast_stream_publishing', 'gauge', '1 while a publisher is connected.', [
    ...streams.map((s) => ({ labels: { stream: s.key }, value: s.live ? 1 : 0 })),
  ]);
  out.metric('tidecast_viewers', 'gauge', 'Connected viewers by stream and protocol.', [
    ...streams.flatMap((s) =>
      OUTPUT_PROTOCOLS.map((p) => ({
        labels: { stream: s.key, protocol: p },
        value: s.viewers[p],
      })),
    ),
  ]);
  out.metric('tidecast_stream_bitrate_in_bits', 'gauge', 'Ingest bitrate (bits/s).', [
    ...streams.map((s) => ({ labels: { stream: s.key }, value: s.bitrateIn })),
  ]);
  out.metric('tidecast_stream_bitrate_out_bits', 'gauge', 'Egress bitrate (bits/s).', [
    ...streams.map((s) => ({ labels: { stream: s.key }, value: s.bitrateOut })),
  ]);
  out.metric('tidecast_stream_received_bytes_total', 'counter', 'Media bytes received.', [
    ...streams.map((s) => ({ labels: { stream: s.key }, value: s.bytesIn })),
  ]);
  out.metric('tidecast_stream_sent_bytes_total', 'counter', 'Media bytes sent to viewers.', [
    ...streams.map((s) => ({ labels: { stream: s.key }, value: s.bytesOut })),
  ]);
  out.metric('tidecast_stream_frames_total', 'counter', 'Media frames received.', [
    ...streams.map((s) => ({ labels: { stream: s.key }, value: s.frames })),
  ]);
  return out.toString();
}
