/**
 * Glass-to-glass latency over HLS, same method as run.ts (barcode publisher -> RTMP -> Tidecast
 * server -> Chromium reads every displayed frame): LL-HLS (fMP4 parts, `/live/x.m3u8`) and
 * classic HLS (MPEG-TS, `/live/x.ts.m3u8`, 1 s segments), each in the Tidecast player and in
 * hls.js (npm, lowLatencyMode), one page at a time, in the same run.
 * Usage: npx tsc -b && npx tsx bench/latency/hls-run.ts [--duration 60] [--rounds 2]
 *        [--players tidecast-llhls,hlsjs-llhls,tidecast-hls,hlsjs-hls]
 * Targets: our LL-HLS p50 <= 1.5 s in our player; classic HLS (1 s segments) p50 <= 3 s.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launchChromium } from '../../e2e/support/chromium.js';
import { createTidecastServer, tidecastAvailable } from '../fanout/tidecast-server.js';
import type { PlayerName } from './bench-pages.js';
import { hlsjsVersion, probeScript, startPageServer } from './bench-pages.js';
import { LatencyPublisher } from './latency-publisher.js';
import { PLAYER_LABEL, renderTable, summarize } from './latency-stats.js';
import type { PlayerSummary } from './latency-stats.js';
import { runRounds } from './session-rounds.js';
import { barcodeSelfCheck } from './self-check.js';

const HLS_PLAYERS: readonly PlayerName[] = [
  'tidecast-llhls',
  'hlsjs-llhls',
  'tidecast-hls',
  'hlsjs-hls',
];
const LL_TARGET_MS = 1500;
const CLASSIC_TARGET_MS = 3000;
/** Server HLS settings for the run: 1 s segments (the publisher's GOP is 1 s), 333 ms parts. */
const HLS_CONFIG = { segmentMs: 1000, partMs: 333 };

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '2' },
    players: { type: 'string', default: HLS_PLAYERS.join(',') },
  },
});
const duration = Number(args.duration);
if (!Number.isFinite(duration) || duration < 5) throw new RangeError('--duration: seconds >= 5');
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('--rounds: integer >= 1');
const players = args.players.split(',').map((p) => p.trim()) as PlayerName[];
for (const p of players) {
  if (!HLS_PLAYERS.includes(p)) throw new RangeError(`--players: unknown '${p}'`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once both playlists list a few complete segments. */
async function waitOnAir(base: string, publisher: LatencyPublisher): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (publisher.exit !== null) throw new Error(publisher.exit);
    const texts = await Promise.all(
      ['m3u8', 'ts.m3u8'].map((ext) =>
        fetch(`${base}/live/latency.${ext}`)
          .then((r) => (r.ok ? r.text() : ''))
          .catch(() => ''),
      ),
    );
    if (texts.every((t) => (t.match(/#EXTINF/g) ?? []).length >= 3)) return;
    await sleep(250);
  }
  throw new Error('HLS playlists not ready within 30 s');
}

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}

function targetLines(summaries: readonly PlayerSummary[]): string[] {
  const find = (p: PlayerName): PlayerSummary | undefined => summaries.find((s) => s.player === p);
  const lines: string[] = [];
  const check = (p: PlayerName, target: number, what: string): void => {
    const s = find(p);
    lines.push(
      s === undefined || s.frames === 0
        ? `${what}: not measured`
        : `${what} p50 <= ${String(target)} ms: ${s.p50.toFixed(0)} ms: ${verdict(s.p50 <= target)}`,
    );
  };
  check('tidecast-llhls', LL_TARGET_MS, 'tidecast LL-HLS');
  check('tidecast-hls', CLASSIC_TARGET_MS, 'tidecast classic HLS (1 s TS segments)');
  for (const [ours, peer] of [
    ['tidecast-llhls', 'hlsjs-llhls'],
    ['tidecast-hls', 'hlsjs-hls'],
  ] as const) {
    const a = find(ours);
    const b = find(peer);
    if (a !== undefined && b !== undefined && a.frames > 0 && b.frames > 0) {
      lines.push(
        `ratio ${PLAYER_LABEL[ours]} / ${PLAYER_LABEL[peer]} p50: ${(a.p50 / b.p50).toFixed(2)}x`,
      );
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const cores = cpus().length;
  console.log(
    'Glass-to-glass latency over HLS: ffmpeg barcode -> RTMP -> Tidecast HLS -> Chromium',
  );
  const check = await barcodeSelfCheck();
  for (const line of check.lines) console.log(`barcode self-check: ${line}`);
  if (!check.ok) throw new Error('barcode self-check failed: latencies would not be trustworthy');
  if (!tidecastAvailable()) throw new Error('packages/server/dist not found: run `npx tsc -b`');
  const server = await createTidecastServer({ hls: HLS_CONFIG });
  const ports = await server.start();
  const base = `http://127.0.0.1:${String(ports.httpPort)}`;
  const publisher = new LatencyPublisher(`rtmp://127.0.0.1:${String(ports.rtmpPort)}/live/latency`);
  const pages = await startPageServer();
  const browser = await launchChromium();
  try {
    await waitOnAir(base, publisher);
    const ll = `${base}/live/latency.m3u8`;
    const ts = `${base}/live/latency.ts.m3u8`;
    const embed = (src: string): string => `${base}/embed.html?src=${encodeURIComponent(src)}`;
    const urls: Record<string, string> = {
      'tidecast-llhls': embed(ll),
      'hlsjs-llhls': pages.url('hlsjs', ll),
      'tidecast-hls': embed(ts),
      'hlsjs-hls': pages.url('hlsjs', ts),
    };
    console.log(
      `server: tidecast ${server.version}, HLS segments ${String(HLS_CONFIG.segmentMs)} ms, ` +
        `parts ${String(HLS_CONFIG.partMs)} ms; LL-HLS ${ll}, classic ${ts}`,
    );
    console.log(
      `players: tidecast (server /embed.html, default options), hls.js ${hlsjsVersion()} (lowLatencyMode)`,
    );
    console.log(`browser: Chromium ${browser.version()}, one page at a time`);
    console.log('publisher: 640x360 30 fps x264 ultrafast/zerolatency, GOP 1 s, no B-frames, AAC');
    const startLoad = loadavg()[0] ?? 0;
    const probe = await probeScript();
    const perSession = duration / rounds;
    const sessions = await runRounds({
      browser,
      players,
      urls,
      probe,
      rounds,
      secondsPerSession: perSession,
      publisher,
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
    for (const s of summaries) {
      for (const failure of s.failures)
        console.log(`${PLAYER_LABEL[s.player]} session failed: ${failure}`);
      for (const error of [...new Set(s.errors)].slice(0, 5)) {
        console.log(`${PLAYER_LABEL[s.player]} error: ${error}`);
      }
    }
    for (const line of targetLines(summaries)) console.log(line);
    const endLoad = loadavg()[0] ?? 0;
    if (Math.max(startLoad, endLoad) > cores / 2) {
      console.log(
        `1-min load average up to ${Math.max(startLoad, endLoad).toFixed(2)} on ${String(cores)} cores: ` +
          'BUSY MACHINE: rerun when idle',
      );
    }
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
