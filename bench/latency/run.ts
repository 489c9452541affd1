/**
 * Glass-to-glass latency: ffmpeg draws its wall-clock capture time into every frame as a
 * barcode and publishes over RTMP to a Tidecast server; Chromium plays the stream with the
 * Tidecast player and with mpegts.js 1.8.x (default live config), one page at a time, and the
 * page reads every displayed frame back (requestVideoFrameCallback + canvas).
 * Usage: npx tsc -b && npx tsx bench/latency/run.ts [--duration 60] [--rounds 2]
 *        [--players tidecast,mpegts] [--protocol http-flv|ws-flv] [--tidecast-js file]
 *        [--warm-up 3 (s, one uncounted session per player first; 0: none)]
 * Prints a table and the target checks as text; exits 0 unless something crashed.
 */
import { appendFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launchChromium } from '../../e2e/support/chromium.js';
import { createTidecastServer, tidecastAvailable } from '../fanout/tidecast-server.js';
import type { PlayerName } from './bench-pages.js';
import { mpegtsVersion, probeScript, startPageServer, tidecastBundleBuilt } from './bench-pages.js';
import { LatencyPublisher } from './latency-publisher.js';
import { PLAYER_LABEL, renderTable, summarize } from './latency-stats.js';
import { ratioLine, targetChecks } from './latency-targets.js';
import { runRounds } from './session-rounds.js';
import { measureFloor } from './reference-floor.js';
import type { SessionResult } from './player-session.js';
import { barcodeSelfCheck } from './self-check.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    rounds: { type: 'string' },
    players: { type: 'string', default: 'tidecast,mpegts' },
    protocol: { type: 'string', default: 'http-flv' },
    'tidecast-js': { type: 'string' },
    'warm-up': { type: 'string', default: '3' },
  },
});

const duration = Number(args.duration);
if (!Number.isFinite(duration) || duration < 5) throw new RangeError('--duration: seconds >= 5');
// Short runs alternate players in rounds (fairer on a shared machine, several first frames);
// long runs keep one session per player so drift and memory growth are one session's.
const rounds = Number(args.rounds ?? (duration >= 600 ? '1' : '2'));
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('--rounds: integer >= 1');
let players = args.players.split(',').map((p) => p.trim()) as PlayerName[];
for (const p of players) {
  if (p !== 'tidecast' && p !== 'mpegts') throw new RangeError(`--players: unknown '${p}'`);
}
const warmUpSeconds = Number(args['warm-up']);
if (!Number.isFinite(warmUpSeconds) || warmUpSeconds < 0)
  throw new RangeError('--warm-up: seconds >= 0');
const protocol = args.protocol;
if (protocol !== 'http-flv' && protocol !== 'ws-flv')
  throw new RangeError('--protocol: http-flv|ws-flv');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once the stream serves media (a few tags past the header and the GOP cache). */
async function waitOnAir(url: string, publisher: LatencyPublisher): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (publisher.exit !== null) throw new Error(publisher.exit);
    const abort = new AbortController();
    try {
      const response = await fetch(url, { signal: abort.signal });
      if (response.ok && response.body !== null) {
        let bytes = 0;
        for await (const chunk of response.body) {
          bytes += (chunk as Uint8Array).length;
          if (bytes > 20_000) return;
        }
      }
    } catch {
      // not on air yet
    } finally {
      abort.abort();
    }
    await sleep(250);
  }
  throw new Error('stream not on air within 20 s');
}

async function found(url: string): Promise<boolean> {
  const response = await fetch(url).catch(() => null);
  await response?.body?.cancel();
  return response?.ok === true;
}

function ffmpegVersion(): string {
  const text = execFileSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8' });
  return /ffmpeg version (\S+)/.exec(text)?.[1] ?? '?';
}

/**
 * LATENCY_DUMP=FILE appends each session's per-frame samples as one JSON line
 * ({player, round, displayAt[], latencyMs[]}) for looking at the curve over time.
 */
function dumpSession(result: SessionResult, round: number): void {
  const file = process.env['LATENCY_DUMP'];
  if (file === undefined || file === '') return;
  const line = {
    player: result.player,
    round,
    displayAt: result.displayAt,
    latencyMs: result.latencyMs,
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const cores = cpus().length;
  console.log('Glass-to-glass latency: ffmpeg barcode -> RTMP -> Tidecast server -> Chromium');
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${String(cores)}, ffmpeg ${ffmpegVersion()}`,
  );
  const check = await barcodeSelfCheck();
  for (const line of check.lines) console.log(`barcode self-check: ${line}`);
  if (!check.ok) throw new Error('barcode self-check failed: latencies would not be trustworthy');
  if (!tidecastAvailable()) throw new Error('packages/server/dist not found: run `npx tsc -b`');

  const server = await createTidecastServer();
  const ports = await server.start();
  const base = `http://127.0.0.1:${String(ports.httpPort)}`;
  const httpStream = `${base}/live/latency.flv`;
  const stream = protocol === 'ws-flv' ? httpStream.replace(/^http/, 'ws') : httpStream;
  const publisher = new LatencyPublisher(`rtmp://127.0.0.1:${String(ports.rtmpPort)}/live/latency`);
  const pages = await startPageServer(args['tidecast-js']);
  const browser = await launchChromium();
  try {
    await waitOnAir(httpStream, publisher);
    const urls: Partial<Record<PlayerName, string>> = { mpegts: pages.url('mpegts', stream) };
    const notes: string[] = [];
    if (args['tidecast-js'] !== undefined) {
      urls.tidecast = pages.url('tidecast', stream);
      notes.push(`tidecast page: stand-in with ${args['tidecast-js']} (--tidecast-js)`);
    } else if ((await found(`${base}/embed.html`)) && (await found(`${base}/tidecast-player.js`))) {
      urls.tidecast = `${base}/embed.html?src=${encodeURIComponent(stream)}${process.env['EMBED_EXTRA'] ?? ''}`;
      notes.push("tidecast page: the server's /embed.html");
    } else if (tidecastBundleBuilt(args['tidecast-js'])) {
      urls.tidecast = pages.url('tidecast', stream);
      notes.push(
        'tidecast page: stand-in (server has no /embed.html yet) with packages/player/dist/tidecast-player.js',
      );
    } else if (players.includes('tidecast')) {
      players = players.filter((p) => p !== 'tidecast');
      notes.push(
        'tidecast: no /embed.html and no packages/player/dist/tidecast-player.js: skipped',
      );
    }
    console.log(
      `server: tidecast ${server.version} in the bench process, 127.0.0.1, ${protocol} ${stream}`,
    );
    console.log(
      `players: ${players.map((p) => (p === 'mpegts' ? `mpegts.js ${mpegtsVersion()} (default live config)` : 'tidecast (default options)')).join(', ')}`,
    );
    console.log(`browser: Chromium ${browser.version()}, one page at a time`);
    const perSession = duration / rounds;
    console.log(
      `publisher: 640x360 30 fps x264 ultrafast/zerolatency, GOP 1 s, no B-frames, AAC 48 kHz`,
    );
    console.log(
      `${String(rounds)} round(s) of ${perSession.toFixed(0)} s per player after its first frame, order alternating`,
    );
    for (const note of notes) console.log(note);
    const startLoad = loadavg()[0] ?? 0;

    const floor = await measureFloor(httpStream, 5);
    console.log(
      `reference floor (ffmpeg -fflags nobuffer reading HTTP-FLV, frame decoded, no display): ` +
        `p50 ${floor.p50.toFixed(0)} ms, p90 ${floor.p90.toFixed(0)} ms over ${String(floor.frames)} frames`,
    );
    const probe = await probeScript();
    const sessions = await runRounds({
      browser,
      players,
      urls,
      probe,
      rounds,
      secondsPerSession: perSession,
      publisher,
      warmUpSeconds,
      onSession: dumpSession,
    });
    const summaries = players.map((p) =>
      summarize(
        p,
        sessions.filter((s) => s.player === p),
      ),
    );
    console.log('');
    console.log(renderTable(summaries));
    console.log('');
    const ours = summaries.find((s) => s.player === 'tidecast');
    const peer = summaries.find((s) => s.player === 'mpegts');
    for (const s of summaries) {
      if (s.drift !== null) {
        console.log(
          `${PLAYER_LABEL[s.player]} p90 first minute ${s.drift.firstMinuteP90.toFixed(0)} ms, ` +
            `last minute ${s.drift.lastMinuteP90.toFixed(0)} ms (session ${s.drift.sessionSec.toFixed(0)} s)`,
        );
      }
      for (const failure of s.failures)
        console.log(`${PLAYER_LABEL[s.player]} session failed: ${failure}`);
      for (const error of [...new Set(s.errors)].slice(0, 5))
        console.log(`${PLAYER_LABEL[s.player]} error: ${error}`);
    }
    console.log(ratioLine(ours, peer));
    for (const line of targetChecks(ours, peer)) console.log(line);
    const endLoad = loadavg()[0] ?? 0;
    if (Math.max(startLoad, endLoad) > cores / 2) {
      console.log(
        `1-min load average up to ${Math.max(startLoad, endLoad).toFixed(2)} on ${String(cores)} cores: ` +
          'BUSY MACHINE, other work competed with the publisher and the browser: rerun when idle',
      );
    }
    if (publisher.log !== '') console.log(`publisher stderr: ${publisher.log.slice(-300)}`);
  } finally {
    await browser.close().catch(() => undefined);
    await publisher.stop();
    await pages.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
