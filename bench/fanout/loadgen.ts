/**
 * Load generator child process: opens N viewers of one URL, then measures a window on the
 * runner's command. Runs apart from the server so the server's CPU and RSS are its own.
 */
import { hasType, processSample } from './ipc-messages.js';
import type { LoadReply, LoadRequest, ProcessSample, ViewerReport } from './ipc-messages.js';
import { Viewer } from './viewer.js';

/** Viewers opened per tick while joining (a crowd arriving, not a single SYN flood). */
const JOIN_BATCH = 25;
const JOIN_TICK_MS = 20;
export const LAG_SAMPLE_MS = 250;

let viewers: Viewer[] = [];
let windowStart = 0;
let bytesAtStart: number[] = [];
let lags: number[][] = [];
let clientSamples: ProcessSample[] = [];
let commonLagMs = 0;
let sampler: ReturnType<typeof setInterval> | null = null;

function send(reply: LoadReply): void {
  process.send?.(reply);
}

function isRequest(message: unknown): message is LoadRequest {
  return hasType(message);
}

async function join(request: Extract<LoadRequest, { type: 'join' }>): Promise<void> {
  const started = performance.now();
  let settled = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const onSettled = (): void => {
    settled += 1;
    if (settled === request.viewers) done();
  };
  for (let i = 0; i < request.viewers; i += JOIN_BATCH) {
    const batch = Math.min(JOIN_BATCH, request.viewers - i);
    for (let j = 0; j < batch; j += 1) {
      viewers.push(new Viewer(request.url, request.protocol, onSettled));
    }
    await new Promise((resolve) => setTimeout(resolve, JOIN_TICK_MS));
  }
  const timeout = new Promise((resolve) => setTimeout(resolve, request.timeoutMs).unref());
  await Promise.race([all, timeout]);
  const failed = viewers.filter((v) => v.failed !== null || !v.hasMedia);
  send({
    type: 'joined',
    joined: viewers.length - failed.length,
    failed: failed.length,
    ms: Math.round(performance.now() - started),
    firstError: failed[0]?.failed ?? (failed.length > 0 ? 'no media before timeout' : null),
  });
}

function sampleLags(): void {
  const now = performance.now();
  let least = Number.POSITIVE_INFINITY;
  viewers.forEach((viewer, i) => {
    // No media yet counts as lagging by the whole window so far.
    const lag = viewer.lag(now) ?? now - windowStart;
    lags[i]?.push(lag);
    least = Math.min(least, lag);
  });
  if (viewers.length > 0) commonLagMs = Math.max(commonLagMs, least);
  clientSamples.push(processSample());
}

function windowStartNow(): void {
  windowStart = performance.now();
  bytesAtStart = viewers.map((v) => v.bytes);
  lags = viewers.map(() => []);
  clientSamples = [processSample()];
  commonLagMs = 0;
  sampler = setInterval(sampleLags, LAG_SAMPLE_MS);
  send({ type: 'window-started' });
}

function windowEnd(): void {
  if (sampler !== null) clearInterval(sampler);
  sampleLags();
  const reports: ViewerReport[] = viewers.map((viewer, i) => {
    const bytes = viewer.bytes - (bytesAtStart[i] ?? 0);
    return {
      bytes,
      lags: lags[i] ?? [],
      failed: viewer.failed ?? (bytes === 0 ? 'no bytes in window' : null),
    };
  });
  send({
    type: 'window-report',
    windowMs: performance.now() - windowStart,
    viewers: reports,
    client: clientSamples,
    commonLagMs,
  });
}

process.on('message', (message: unknown) => {
  if (!isRequest(message)) return;
  switch (message.type) {
    case 'join':
      void join(message);
      break;
    case 'window-start':
      windowStartNow();
      break;
    case 'window-end':
      windowEnd();
      break;
    case 'stop':
      for (const viewer of viewers) viewer.close();
      viewers = [];
      send({ type: 'stopped' });
      process.disconnect();
      break;
  }
});
process.on('disconnect', () => process.exit(0));
