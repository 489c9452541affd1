import { runCommand } from './run-command.js';

export { runCommand, CommandError } from './run-command.js';
export type { CommandResult, RunCommandOptions, CommandErrorKind } from './run-command.js';

export type ProbeKind = 'video' | 'audio';

/** One audio or video stream as ffprobe sees it (other stream types are dropped). */
export interface ProbeStream {
  readonly index: number;
  readonly kind: ProbeKind;
  readonly codecName: string;
  /** e.g. 'High', 'Main', 'LC'; null when ffprobe reports none or 'unknown'. */
  readonly profile: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly sampleRate: number | null;
  readonly channels: number | null;
  /** Decoder reorder depth; > 0 means B-frames (pts != dts) may occur. 0 for audio. */
  readonly hasBFrames: number;
  /** As ffprobe prints it, e.g. '30/1'; '0/0' for audio. */
  readonly rFrameRate: string;
  /** As ffprobe prints it, e.g. '1/1000'. */
  readonly timeBase: string;
  readonly startMs: number | null;
  readonly durationMs: number | null;
}

export interface ProbePacket {
  readonly streamIndex: number;
  readonly kind: ProbeKind;
  /** Milliseconds from the stream time_base, rounded; null when the container has none. */
  readonly dtsMs: number | null;
  readonly ptsMs: number | null;
  readonly keyframe: boolean;
  readonly size: number;
}

export interface ProbeFormat {
  readonly formatName: string;
  readonly startMs: number | null;
  readonly durationMs: number | null;
}

export interface ProbeResult {
  readonly streams: ProbeStream[];
  readonly packets: ProbePacket[];
  readonly format: ProbeFormat;
}

export interface ProbeOptions {
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function ffprobeBinary(): string {
  return process.env['FFPROBE_PATH'] ?? 'ffprobe';
}

export function ffmpegBinary(): string {
  return process.env['FFMPEG_PATH'] ?? 'ffmpeg';
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** ffprobe prints some numbers as JSON numbers and others as strings; 'N/A' means absent. */
function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function kindOf(v: unknown): ProbeKind | null {
  return v === 'video' || v === 'audio' ? v : null;
}

interface Rational {
  readonly num: number;
  readonly den: number;
}

function parseRational(text: string | null): Rational | null {
  const m = text === null ? null : /^(\d+)\/(\d+)$/.exec(text);
  if (m === null || m[1] === undefined || m[2] === undefined) return null;
  const r = { num: Number(m[1]), den: Number(m[2]) };
  return r.den === 0 ? null : r;
}

function ticksToMs(ticks: number | null, tb: Rational | null): number | null {
  if (ticks === null || tb === null) return null;
  return Math.round((ticks * tb.num * 1000) / tb.den);
}

function secondsToMs(v: unknown): number | null {
  const s = num(v);
  return s === null ? null : Math.round(s * 1000);
}

function normalizeStream(s: Json): ProbeStream | null {
  const kind = kindOf(s['codec_type']);
  const index = num(s['index']);
  if (kind === null || index === null) return null;
  const timeBase = str(s['time_base']) ?? '0/0';
  const tb = parseRational(timeBase);
  const profile = str(s['profile']);
  return {
    index,
    kind,
    codecName: str(s['codec_name']) ?? 'unknown',
    profile: profile === 'unknown' ? null : profile,
    width: num(s['width']),
    height: num(s['height']),
    sampleRate: num(s['sample_rate']),
    channels: num(s['channels']),
    hasBFrames: num(s['has_b_frames']) ?? 0,
    rFrameRate: str(s['r_frame_rate']) ?? '0/0',
    timeBase,
    startMs: ticksToMs(num(s['start_pts']), tb) ?? secondsToMs(s['start_time']),
    durationMs: ticksToMs(num(s['duration_ts']), tb) ?? secondsToMs(s['duration']),
  };
}

/** Turns ffprobe's `-of json` output into typed streams and packets. Exported for tests. */
export function normalizeProbeJson(raw: unknown): ProbeResult {
  if (!isObject(raw)) throw new Error('ffprobe output is not a JSON object');
  const streams = objects(raw['streams'])
    .map(normalizeStream)
    .filter((s): s is ProbeStream => s !== null);
  const byIndex = new Map(streams.map((s) => [s.index, s] as const));
  const packets: ProbePacket[] = [];
  for (const p of objects(raw['packets'])) {
    const stream = byIndex.get(num(p['stream_index']) ?? -1);
    if (stream === undefined) continue;
    const tb = parseRational(stream.timeBase);
    packets.push({
      streamIndex: stream.index,
      kind: stream.kind,
      dtsMs: ticksToMs(num(p['dts']), tb),
      ptsMs: ticksToMs(num(p['pts']), tb),
      keyframe: (str(p['flags']) ?? '').includes('K'),
      size: num(p['size']) ?? 0,
    });
  }
  const format = isObject(raw['format']) ? raw['format'] : {};
  return {
    streams,
    packets,
    format: {
      formatName: str(format['format_name']) ?? 'unknown',
      startMs: secondsToMs(format['start_time']),
      durationMs: secondsToMs(format['duration']),
    },
  };
}

/** `ffprobe -v error -show_streams -show_packets -show_format -of json <file>`, normalized. */
export async function probeWithFfprobe(
  file: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const args = [
    '-v',
    'error',
    '-show_streams',
    '-show_packets',
    '-show_format',
    '-of',
    'json',
    file,
  ];
  const result = await runCommand(ffprobeBinary(), args, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  if (result.exitCode !== 0) {
    throw new Error(
      `ffprobe failed on ${file} (exit ${String(result.exitCode)}): ${result.stderr.trim()}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch (cause) {
    throw new Error(`ffprobe printed invalid JSON for ${file}`, { cause });
  }
  return normalizeProbeJson(parsed);
}

/**
 * Decodes every stream with `ffmpeg -v error -i <file> -f null -` and returns its stderr,
 * trimmed: '' means ffmpeg found nothing wrong.
 */
export async function ffmpegDecodeErrors(
  file: string,
  options: ProbeOptions = {},
): Promise<string> {
  const args = ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'];
  const result = await runCommand(ffmpegBinary(), args, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const stderr = result.stderr.trim();
  if (stderr === '' && result.exitCode !== 0) {
    return `ffmpeg exited with ${String(result.exitCode ?? result.signal)} and no message`;
  }
  return stderr;
}
