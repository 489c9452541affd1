/**
 * Live fan-out: N HTTP-FLV / WS-FLV viewers of one 2.5 Mb/s stream on Tidecast and on
 * node-media-server 4.x, side by side in the same run. Each server runs alone in a child
 * process (fresh per pass); ffmpeg publishes over RTMP; viewers live in a load-generator child.
 * Usage: npx tsc -b && npx tsx bench/fanout/run.ts [--viewers 300,1000]
 *        [--protocols http-flv,ws-flv] [--servers nms,tidecast] [--window 20] [--settle 5]
 *        [--behind-ms 2000] [--no-pin] [--input f.flv] [--merge-write-ms N] [--no-floor]
 * Prints a table and the target checks as text; exits 0 unless something crashed.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fanoutFixture } from './fanout-fixture.js';
import { floorReport } from './floor-report.js';
import { runPass } from './fanout-pass.js';
import { failedPass, renderResults } from './fanout-stats.js';
import type { PassResult } from './fanout-stats.js';
import type { ServerKind, ViewerProtocol } from './ipc-messages.js';
import { MERGE_WRITE_ENV, tidecastAvailable } from './tidecast-server.js';
import { targetChecks } from './fanout-targets.js';

const { values: args } = parseArgs({
  options: {
    viewers: { type: 'string', default: '300,1000' },
    protocols: { type: 'string', default: 'http-flv,ws-flv' },
    servers: { type: 'string', default: 'nms,tidecast' },
    window: { type: 'string', default: '20' },
    settle: { type: 'string', default: '5' },
    'behind-ms': { type: 'string', default: '2000' },
    'no-pin': { type: 'boolean', default: false },
    clients: { type: 'string' },
    input: { type: 'string' },
    // Tidecast with merged writes (viewer.mergeWriteMs), which is off by default.
    'merge-write-ms': { type: 'string' },
    // Skip the write floor measured after the 300-viewer passes (floor-report.ts).
    'no-floor': { type: 'boolean', default: false },
  },
});

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`--${name} must be > 0`);
  return value;
}

function list<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new RangeError(`--${name}: unknown '${item}'`);
  }
  return items as T[];
}

const viewerCounts = args.viewers.split(',').map((v) => {
  const n = positive('viewers', v);
  if (!Number.isInteger(n) || n > 5000) throw new RangeError('--viewers: integers up to 5000');
  return n;
});
const protocols = list<ViewerProtocol>('protocols', args.protocols, ['http-flv', 'ws-flv']);
let servers = list<ServerKind>('servers', args.servers, ['nms', 'tidecast']);
const windowMs = positive('window', args.window) * 1000;
const settleMs = positive('settle', args.settle) * 1000;
const behindMs = positive('behind-ms', args['behind-ms']);

const mergeWriteMs = args['merge-write-ms'];
if (mergeWriteMs !== undefined) {
  const ms = Number(mergeWriteMs);
  if (!Number.isInteger(ms) || ms < 0 || ms > 1000)
    throw new RangeError('--merge-write-ms: 0-1000');
  // server-child.ts reads it (children inherit the environment).
  process.env[MERGE_WRITE_ENV] = String(ms);
}

const cores = cpus().length;
// One load generator per core left after the server's core and one for ffmpeg and the runner.
const clients =
  args.clients === undefined ? Math.max(1, cores - 2) : positive('clients', args.clients);
if (!Number.isInteger(clients) || clients > 16) throw new RangeError('--clients: 1-16');
// Server alone on CPU 0; publisher and load generator on the others: "on one core" literally.
const pin =
  !args['no-pin'] && cores >= 2
    ? { server: '0', others: cores === 2 ? '1' : `1-${String(cores - 1)}` }
    : null;

async function main(): Promise<void> {
  const input = args.input ?? (await fanoutFixture());
  const notes: string[] = [];
  if (servers.includes('tidecast') && !tidecastAvailable()) {
    servers = servers.filter((s) => s !== 'tidecast');
    notes.push('tidecast: packages/server/dist/server.js not found (run `npx tsc -b`): skipped');
  }
  console.log('Live fan-out: HTTP-FLV / WS-FLV viewers of one RTMP-published stream');
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${String(cores)}`);
  console.log(`input ${input} (ffmpeg -re -stream_loop -1 -c copy), loopback 127.0.0.1`);
  console.log(
    pin === null
      ? 'no CPU pinning: server, publisher and viewers share all cores'
      : `server pinned to CPU ${pin.server}; publisher and viewers on CPU ${pin.others}`,
  );
  console.log(`viewers spread over ${String(clients)} load generator process(es)`);
  console.log(
    `per pass: join, ${String(settleMs / 1000)} s settle, ${String(windowMs / 1000)} s window; ` +
      `behind = lag > ${String(behindMs)} ms or disconnected`,
  );
  if (mergeWriteMs !== undefined && servers.includes('tidecast')) {
    notes.push(
      `tidecast: viewer.mergeWriteMs ${mergeWriteMs} (merged writes, NOT the default: up to ` +
        `${mergeWriteMs} ms more latency; the targets are about the defaults)`,
    );
  }
  for (const note of notes) console.log(note);
  const startLoad = loadavg()[0] ?? 0;

  const results: PassResult[] = [];
  for (const viewers of viewerCounts) {
    for (const protocol of protocols) {
      for (const server of servers) {
        process.stdout.write(`  ${server} ${String(viewers)} ${protocol} ... `);
        const pass = {
          server,
          viewers,
          protocol,
          input,
          settleMs,
          windowMs,
          behindMs,
          pin,
          clients,
        };
        try {
          const result = await runPass(pass);
          results.push(result);
          console.log(`CPU ${result.cpuPercent.toFixed(1)}%, behind ${String(result.behind)}`);
        } catch (error) {
          // A pass that cannot finish (server hung, never on air) is a row, not a crash.
          const message = error instanceof Error ? error.message : String(error);
          results.push(failedPass(server, viewers, protocol, message));
          console.log(`FAILED: ${message}`);
        }
      }
    }
  }
  const log = (text: string): void => void process.stdout.write(text);
  const floorLines = args['no-floor'] ? [] : await floorReport(results, { windowMs, pin, log });
  console.log('');
  const versions = [
    ...new Set(results.filter((r) => r.version !== '').map((r) => `${r.server} ${r.version}`)),
  ].join(', ');
  console.log(`servers: ${versions}`);
  console.log(renderResults(results));
  console.log('');
  for (const line of targetChecks(results, servers)) console.log(line);
  for (const line of floorLines) console.log(line);
  const endLoad = loadavg()[0] ?? 0;
  if (Math.max(startLoad, endLoad) > cores + 0.5) {
    console.log(
      `1-min load average up to ${Math.max(startLoad, endLoad).toFixed(2)}: other work was running, rerun when idle`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
