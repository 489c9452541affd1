/**
 * FLV -> fMP4 throughput: Tidecast against mpegts.js in the same process, same input chunks.
 * Usage: npx tsc -b && npx tsx bench/transmux/run.ts [--input f.flv] [--runs N] [--warmup N]
 *        [--chunk-kib N]
 * Prints a table and the target check as text; exits 0 unless something crashed or Tidecast's
 * transmuxer could not be loaded.
 */
import { createHash } from 'node:crypto';
import { arch, cpus, loadavg } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { median, megabytesPerSecond, renderTable } from './bench-stats.js';
import { loadChunks, totalBytes } from './input-chunks.js';
import { createMpegtsPeer } from './peer-mpegts.js';
import { ffprobePacketCounts } from './reference-counts.js';
import type { OutputSink, TransmuxAdapter } from './transmux-adapter.js';
import { compareCounts, verifyRun } from './verify-output.js';
import type { VerifiedRun } from './verify-output.js';

const FIXTURE = 'bench-720p-60s.flv';
const TARGET_RATIO = 2;
const TARGET_MBPS = 300;

const { values: args } = parseArgs({
  options: {
    input: { type: 'string' },
    runs: { type: 'string', default: '20' },
    // Both sides need ~20 whole-file runs before JIT tiers and GC heap sizing settle; with
    // fewer, the median mixes cold and warm runs and the ratio swings.
    warmup: { type: 'string', default: '20' },
    'chunk-kib': { type: 'string', default: '64' },
  },
});

function positiveInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`--${name} must be > 0`);
  return value;
}

const runs = positiveInt('runs', args.runs);
const warmup = positiveInt('warmup', args.warmup);
const chunkBytes = positiveInt('chunk-kib', args['chunk-kib']) * 1024;

async function inputPath(): Promise<string> {
  if (args.input !== undefined) return args.input;
  const { ensureFixture } = await import('../../fixtures/fixtures.js');
  return ensureFixture(FIXTURE);
}

async function loadTidecast(): Promise<TransmuxAdapter | string> {
  try {
    const { tidecastAdapter } = await import('./tidecast-adapter.js');
    return tidecastAdapter;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function digest(chunks: readonly ArrayBuffer[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(new Uint8Array(chunk));
  return hash.digest('hex');
}

interface Timing {
  /** Wall-clock milliseconds per run (what MB/s is computed from). */
  ms: number[];
  /** CPU milliseconds (user + system, all threads) per run: less hurt by a busy machine. */
  cpuMs: number[];
  outputBytes: Set<number>;
}

let counted = 0;
const countingSink: OutputSink = (_stream, _kind, bytes) => {
  counted += bytes.length;
};

function timeOnce(adapter: TransmuxAdapter, input: readonly ArrayBuffer[], timing?: Timing): void {
  // No forced gc() between runs: a full GC before each run made both sides 2-7x slower and
  // measures a state a streaming player is never in.
  counted = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  adapter.run(input, countingSink);
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  timing?.ms.push(elapsed);
  timing?.cpuMs.push((cpu.user + cpu.system) / 1000);
  timing?.outputBytes.add(counted);
}

const path = await inputPath();
const input = await loadChunks(path, chunkBytes);
const inputBytes = totalBytes(input);
const inputDigest = digest(input);
const tidecast = await loadTidecast();
const peer = await createMpegtsPeer();
const adapters: TransmuxAdapter[] = typeof tidecast === 'string' ? [peer] : [tidecast, peer];
const cpu = cpus();

console.log(`FLV -> fMP4 transmux throughput (${basename(path)})`);
console.log(
  `node ${process.version} (V8 ${process.versions.v8}), ${arch()}, ` +
    `${cpu[0]?.model.trim() ?? 'unknown CPU'} x${cpu.length}`,
);
console.log(
  `input ${(inputBytes / 1e6).toFixed(2)} MB in ${input.length} chunks of ${chunkBytes / 1024} KiB; ` +
    `${warmup} warm-up + ${runs} measured runs per implementation, alternating; MB = 10^6 bytes`,
);
if (typeof tidecast === 'string') console.log(`tidecast: NOT AVAILABLE (${tidecast})`);
const loadBefore = loadavg()[0] ?? 0;

// One untimed run each that keeps the output, to check both did the same work.
const verified = new Map<TransmuxAdapter, VerifiedRun>();
for (const adapter of adapters) verified.set(adapter, verifyRun(adapter, input));

for (let i = 0; i < warmup; i++) for (const adapter of adapters) timeOnce(adapter, input);
const timings = new Map<TransmuxAdapter, Timing>(
  adapters.map((adapter) => [adapter, { ms: [], cpuMs: [], outputBytes: new Set() }]),
);
for (let i = 0; i < runs; i++) {
  // Swap the order every round so neither always runs right after the other's garbage.
  const order = i % 2 === 0 ? adapters : [...adapters].reverse();
  for (const adapter of order) timeOnce(adapter, input, timings.get(adapter));
}
if (digest(input) !== inputDigest) throw new Error('an implementation modified its input buffers');

const reference = await ffprobePacketCounts(path);
// Other processes competing for the cores make wall times noisy; say so next to the numbers.
const load = Math.max(loadBefore, loadavg()[0] ?? 0);
const busy = load > cpu.length * 0.5;
const rows: string[][] = [
  [
    'implementation',
    'version',
    'MB/s',
    'best MB/s',
    'median ms',
    'min-max ms',
    'cpu ms',
    'output bytes',
    'init',
    'frags',
    'video smp',
    'audio smp',
    'warnings',
  ],
];
const mbps = new Map<TransmuxAdapter, number>();
for (const adapter of adapters) {
  const timing = timings.get(adapter);
  const check = verified.get(adapter);
  if (timing === undefined || check === undefined) continue;
  const mid = median(timing.ms);
  mbps.set(adapter, megabytesPerSecond(inputBytes, mid));
  const outputs = [...timing.outputBytes];
  rows.push([
    adapter === peer ? `${adapter.name} (peer)` : adapter.name,
    adapter.version,
    megabytesPerSecond(inputBytes, mid).toFixed(1),
    megabytesPerSecond(inputBytes, Math.min(...timing.ms)).toFixed(1),
    mid.toFixed(2),
    `${Math.min(...timing.ms).toFixed(1)}-${Math.max(...timing.ms).toFixed(1)}`,
    median(timing.cpuMs).toFixed(1),
    outputs.length === 1 ? String(outputs[0]) : `varies: ${outputs.join('/')}`,
    String(check.counts.initSegments),
    String(check.counts.fragments),
    String(check.counts.videoSamples),
    String(check.counts.audioSamples),
    String(check.warnings.length),
  ]);
}
if (reference !== undefined) {
  const empty = ['', '', '', '', '', '', '', '', ''];
  rows.push([
    'ffprobe (input packets)',
    ...empty,
    String(reference.video),
    String(reference.audio),
    '',
  ]);
}
console.log(
  `1-min load average up to ${load.toFixed(2)} on ${cpu.length} cores` +
    (busy ? ': BUSY MACHINE, wall times are noisy (compare cpu ms, rerun when idle)' : ''),
);
console.log('');
console.log(renderTable(rows, ['left', 'left']));
console.log('');

for (const adapter of adapters) {
  const warnings = verified.get(adapter)?.warnings ?? [];
  if (warnings.length > 0) {
    console.log(`${adapter.name} warnings (first 3): ${warnings.slice(0, 3).join(' | ')}`);
  }
}

const peerMbps = mbps.get(peer) ?? 0;
if (typeof tidecast === 'string') {
  console.log('target: FAIL (tidecast unavailable)');
  process.exitCode = 1;
} else {
  const ours = mbps.get(tidecast) ?? 0;
  const ratio = ours / peerMbps;
  const tidecastCounts = verified.get(tidecast)?.counts;
  const peerCounts = verified.get(peer)?.counts;
  const problems =
    tidecastCounts && peerCounts ? compareCounts(tidecastCounts, peerCounts) : ['no counts'];
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  const cpuOf = (adapter: TransmuxAdapter): number => median(timings.get(adapter)?.cpuMs ?? [0]);
  const cpuRatio = cpuOf(peer) / cpuOf(tidecast);
  console.log(
    `ratio tidecast/${peer.name}: ${ratio.toFixed(2)}x (median wall time; ` +
      `by median cpu time: ${cpuRatio.toFixed(2)}x)`,
  );
  console.log(`equivalence: ${problems.length === 0 ? 'OK' : `MISMATCH (${problems.join('; ')})`}`);
  console.log(
    `target >= ${TARGET_RATIO}x peer: ${verdict(ratio >= TARGET_RATIO)}; ` +
      `target >= ${TARGET_MBPS} MB/s: ${verdict(ours >= TARGET_MBPS)}` +
      (problems.length === 0 ? '' : ' (but outputs differ: numbers not comparable)'),
  );
}
