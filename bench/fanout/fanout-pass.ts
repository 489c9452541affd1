/**
 * One measured pass: a fresh server child, the ffmpeg publisher, N viewers in the load
 * generator child, a settle period, then a window in which server CPU/RSS and every
 * viewer's throughput and lag are measured. Everything it starts it also stops.
 */
import { ChildLink, pinProcess } from './child-link.js';
import { cpuPercent, summarizeViewers, writeRates } from './fanout-stats.js';
import type { PassResult } from './fanout-stats.js';
import type {
  LoadReply,
  ProcessSample,
  LoadRequest,
  ServerKind,
  ServerReply,
  ServerRequest,
  ViewerProtocol,
} from './ipc-messages.js';
import { Publisher } from './publisher.js';
import { procSample } from './proc-sample.js';
import { Viewer } from './viewer.js';

export interface PassOptions {
  server: ServerKind;
  viewers: number;
  protocol: ViewerProtocol;
  input: string;
  settleMs: number;
  windowMs: number;
  behindMs: number;
  /** Load generator processes the viewers are spread over. */
  clients: number;
  /** taskset CPU lists, or null to leave scheduling alone. */
  pin: { server: string; others: string } | null;
}

const STREAM_PATH = '/live/bench';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the stream until one probe viewer gets media (the publisher is on the air). */
async function waitOnAir(
  url: string,
  protocol: ViewerProtocol,
  publisher: Publisher,
): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    if (publisher.exit !== null) throw new Error(publisher.exit);
    let settled: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (settled = resolve));
    const probe = new Viewer(url, protocol, () => settled());
    await Promise.race([first, sleep(3000)]);
    const ok = probe.hasMedia;
    probe.close();
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`stream never came on air at ${url}`);
}

/** From /proc when possible (exact, needs nothing from the server), else over IPC. */
async function sampleServer(server: ChildLink<ServerRequest, ServerReply>): Promise<ProcessSample> {
  const sample = procSample(server.pid);
  if (sample !== null) return sample;
  server.send({ type: 'sample' });
  return (await server.next('sample', 30_000)).sample;
}

/** Viewers for load generator `i` of `k` (the first ones take the remainder). */
function share(total: number, k: number, i: number): number {
  return Math.floor(total / k) + (i < total % k ? 1 : 0);
}

export async function runPass(options: PassOptions): Promise<PassResult> {
  const server = new ChildLink<ServerRequest, ServerReply>(
    new URL('./server-child.ts', import.meta.url),
    [options.server],
  );
  let publisher: Publisher | null = null;
  const loads: ChildLink<LoadRequest, LoadReply>[] = [];
  try {
    const ready = await server.next('ready', 30_000);
    if (options.pin !== null) server.pin(options.pin.server);
    const rtmpUrl = `rtmp://127.0.0.1:${String(ready.rtmpPort)}${STREAM_PATH}`;
    const scheme = options.protocol === 'ws-flv' ? 'ws' : 'http';
    const url = `${scheme}://127.0.0.1:${String(ready.httpPort)}${STREAM_PATH}.flv`;
    publisher = new Publisher(options.input, rtmpUrl);
    await waitOnAir(url, options.protocol, publisher);
    await sleep(1000);
    const base = await sampleServer(server);

    for (let i = 0; i < options.clients; i += 1) {
      const link = new ChildLink<LoadRequest, LoadReply>(
        new URL('./loadgen.ts', import.meta.url),
        [],
      );
      loads.push(link);
      if (options.pin !== null) link.pin(options.pin.others);
    }
    if (options.pin !== null) pinProcess(publisher.pid, options.pin.others);
    const joinTimeoutMs = 10_000 + options.viewers * 20;
    const joins = await Promise.all(
      loads.map((link, i) => {
        const viewers = share(options.viewers, options.clients, i);
        link.send({
          type: 'join',
          url,
          protocol: options.protocol,
          viewers,
          timeoutMs: joinTimeoutMs,
        });
        return link.next('joined', joinTimeoutMs + 10_000);
      }),
    );
    await sleep(options.settleMs);

    const start = await sampleServer(server);
    for (const link of loads) link.send({ type: 'window-start' });
    await Promise.all(loads.map((link) => link.next('window-started', 10_000)));
    await sleep(options.windowMs);
    for (const link of loads) link.send({ type: 'window-end' });
    const reports = await Promise.all(loads.map((link) => link.next('window-report', 30_000)));
    const end = await sampleServer(server);

    const windowMs = Math.max(...reports.map((r) => r.windowMs));
    const viewers = reports.flatMap((r) => r.viewers);
    const summary = summarizeViewers(viewers, windowMs, options.behindMs);
    let clientCpu = 0;
    for (const report of reports) {
      const first = report.client[0];
      const last = report.client[report.client.length - 1];
      clientCpu += first && last ? cpuPercent(first, last) : Number.NaN;
    }
    const notes: string[] = [];
    const failedJoins = joins.reduce((sum, j) => sum + j.failed, 0);
    if (failedJoins > 0) {
      const why = joins.find((j) => j.firstError !== null)?.firstError ?? '';
      notes.push(`${String(failedJoins)} viewers failed to join (${why})`);
    }
    // Every viewer late at once: the publisher (ffmpeg on a busy machine) or the whole host
    // stalled, or the server's event loop did; it counts against the server all the same.
    const commonLagMs = Math.min(...reports.map((r) => r.commonLagMs));
    if (commonLagMs > options.behindMs / 2) {
      notes.push(
        `all viewers lagged together up to ${commonLagMs.toFixed(0)} ms (source or host stall?)`,
      );
    }
    if (publisher.exit !== null) notes.push(`publisher stopped: ${publisher.exit}`);
    if (clientCpu > 90 * options.clients) {
      notes.push('load generator near 100% CPU: figures may be client-bound');
    }
    return {
      server: ready.name,
      version: ready.version,
      viewers: options.viewers,
      protocol: options.protocol,
      cpuPercent: cpuPercent(start, end),
      systemPercent: cpuPercent(start, end, true),
      ...writeRates(start, end, options.viewers),
      rssMb: end.rssBytes / 1e6,
      rssPerViewerKb: (end.rssBytes - base.rssBytes) / 1000 / options.viewers,
      ...summary,
      clientCpuPercent: clientCpu,
      joinMs: Math.max(...joins.map((j) => j.ms)),
      note: notes.join('; '),
    };
  } finally {
    await Promise.all(loads.map((link) => link.stop({ type: 'stop' }, 5000)));
    if (publisher !== null) await publisher.stop();
    await server.stop({ type: 'stop' }, 5000);
  }
}
