/**
 * Server configuration: one validated object built from defaults < JSON file < environment <
 * command-line flags (config-sources.ts gathers the layers). Every bad field gets its own line
 * naming where the value came from, so a user can fix them all in one go.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DemoConfig {
  enabled: boolean;
  /** FLV file to loop; undefined = the repository's fixtures cache (dev checkouts only). */
  file: string | undefined;
  app: string;
  stream: string;
}

export interface GopCacheConfig {
  enabled: boolean;
  maxDurationMs: number;
  maxBytes: number;
}

export interface ViewerConfig {
  /** Per-viewer queue budget before frames are dropped to the next keyframe. */
  maxQueueBytes: number;
  /** A viewer that stays behind longer than this is disconnected. */
  maxLagMs: number;
  /**
   * Merged writes (SRS's mw_latency): gather a stream's output for this many ms and write it
   * to each viewer at once. Fewer, larger socket writes cost the server less per viewer (the
   * kernel's per-write work dominates a big fan-out) at the price of up to this much added
   * latency. 0 (default): every event-loop turn's output is written at the end of that turn.
   */
  mergeWriteMs: number;
}

/** HTTP connection limits (see http-app.ts); they never cut media responses or WebSockets. */
export interface HttpTimeoutsConfig {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

/** HLS packaging of every live stream (outputs/hls/). */
export interface HlsServerConfig {
  enabled: boolean;
  segmentMs: number;
  partMs: number;
  windowSegments: number;
  /** Record segments and playlists under this directory (off when undefined). */
  recordDir: string | undefined;
}

/** RTMP connection limits (rtmp/rtmp-server.ts). */
export interface RtmpServerConfig {
  /** Handshake + connect + publish/play must be done within this. */
  setupTimeoutMs: number;
  /** A publisher silent for this long is dropped. */
  publisherIdleMs: number;
  /** How long `play` of a stream that is not live waits for it; 0 refuses at once. */
  playWaitMs: number;
  /** A player paused longer than this is stopped and disconnected; 0 = no limit. */
  pausedPlayMaxMs: number;
}

export interface ServerConfig {
  host: string;
  rtmpPort: number;
  httpPort: number;
  logLevel: LogLevel;
  demo: DemoConfig;
  gopCache: GopCacheConfig;
  viewer: ViewerConfig;
  /** How long a stream waits for its publisher to come back before viewers are ended. */
  publisherGraceMs: number;
  httpTimeouts: HttpTimeoutsConfig;
  rtmp: RtmpServerConfig;
  hls: HlsServerConfig;
  /** Built pages (apps/web/dist); undefined = the repository's own. */
  webRoot: string | undefined;
  /** Player bundle directory (packages/player/dist); undefined = the repository's own. */
  playerRoot: string | undefined;
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '0.0.0.0',
  rtmpPort: 1935,
  httpPort: 8000,
  logLevel: 'info',
  demo: { enabled: true, file: undefined, app: 'live', stream: 'demo' },
  gopCache: { enabled: true, maxDurationMs: 10_000, maxBytes: 32 * 1024 * 1024 },
  viewer: { maxQueueBytes: 4 * 1024 * 1024, maxLagMs: 10_000, mergeWriteMs: 0 },
  publisherGraceMs: 5_000,
  httpTimeouts: { headersMs: 10_000, requestMs: 15_000, keepAliveMs: 5_000 },
  rtmp: {
    setupTimeoutMs: 10_000,
    publisherIdleMs: 30_000,
    playWaitMs: 30_000,
    pausedPlayMaxMs: 300_000,
  },
  hls: { enabled: true, segmentMs: 2000, partMs: 333, windowSegments: 10, recordDir: undefined },
  webRoot: undefined,
  playerRoot: undefined,
};

/** A configuration that failed validation; `problems` has one line per bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/** A deep-partial layer of settings plus where each came from (for error messages). */
export interface ConfigLayer {
  /** e.g. `config file /etc/tidecast.json`, `environment`, `flags`. */
  source: string;
  /** Keyed by dotted field path (`rtmpPort`, `demo.enabled`); values still unvalidated. */
  values: Map<string, { value: unknown; origin: string }>;
}

type FieldCheck = (value: unknown) => { ok: true; value: unknown } | { ok: false; want: string };

const port: FieldCheck = (v) => {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535
    ? { ok: true, value: n }
    : { ok: false, want: 'an integer port 0-65535 (0 = any free port)' };
};

const intRange =
  (min: number, max: number): FieldCheck =>
  (v) => {
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max
      ? { ok: true, value: n }
      : { ok: false, want: `an integer ${min}-${max}` };
  };

const bool: FieldCheck = (v) => {
  if (typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return { ok: true, value: true };
    if (['0', 'false', 'no', 'off'].includes(s)) return { ok: true, value: false };
  }
  return { ok: false, want: 'a boolean (true/false, 1/0, yes/no, on/off)' };
};

const host: FieldCheck = (v) =>
  typeof v === 'string' && v.length > 0 && v.length <= 253 && /^[\w.:%-]+$/.test(v)
    ? { ok: true, value: v }
    : { ok: false, want: 'a host name or IP address (e.g. 0.0.0.0, 127.0.0.1, ::)' };

const logLevel: FieldCheck = (v) =>
  typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v)
    ? { ok: true, value: v }
    : { ok: false, want: `one of ${LOG_LEVELS.join(', ')}` };

/** App and stream names: the same characters the URL router accepts. */
const name: FieldCheck = (v) =>
  typeof v === 'string' && /^[\w.-]{1,128}$/.test(v) && v !== '.' && v !== '..'
    ? { ok: true, value: v }
    : { ok: false, want: 'a name of 1-128 letters, digits, "_", "-" or "."' };

const path: FieldCheck = (v) =>
  typeof v === 'string' && v.length > 0 && !v.includes('\0')
    ? { ok: true, value: v }
    : { ok: false, want: 'a file path' };

const MIB = 1024 * 1024;

/** Every settable field with its validator. */
export const CONFIG_FIELDS: ReadonlyMap<string, FieldCheck> = new Map<string, FieldCheck>([
  ['host', host],
  ['rtmpPort', port],
  ['httpPort', port],
  ['logLevel', logLevel],
  ['demo.enabled', bool],
  ['demo.file', path],
  ['demo.app', name],
  ['demo.stream', name],
  ['gopCache.enabled', bool],
  ['gopCache.maxDurationMs', intRange(0, 600_000)],
  ['gopCache.maxBytes', intRange(0, 1024 * MIB)],
  ['viewer.maxQueueBytes', intRange(64 * 1024, 1024 * MIB)],
  ['viewer.maxLagMs', intRange(100, 600_000)],
  ['viewer.mergeWriteMs', intRange(0, 1_000)],
  ['publisherGraceMs', intRange(0, 600_000)],
  ['httpTimeouts.headersMs', intRange(100, 600_000)],
  ['httpTimeouts.requestMs', intRange(100, 600_000)],
  ['httpTimeouts.keepAliveMs', intRange(100, 600_000)],
  ['rtmp.setupTimeoutMs', intRange(1_000, 600_000)],
  ['rtmp.publisherIdleMs', intRange(1_000, 3_600_000)],
  ['rtmp.playWaitMs', intRange(0, 3_600_000)],
  ['rtmp.pausedPlayMaxMs', intRange(0, 86_400_000)],
  ['hls.enabled', bool],
  ['hls.segmentMs', intRange(500, 30_000)],
  ['hls.partMs', intRange(100, 2_000)],
  ['hls.windowSegments', intRange(3, 100)],
  ['hls.recordDir', path],
  ['webRoot', path],
  ['playerRoot', path],
]);

function show(value: unknown): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'undefined');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function cloneDefaults(): ServerConfig {
  return structuredClone(DEFAULT_CONFIG);
}

function assign(target: ServerConfig, field: string, value: unknown): void {
  const [head = '', tail] = field.split('.');
  const record = target as unknown as Record<string, unknown>;
  if (tail === undefined) record[head] = value;
  else (record[head] as Record<string, unknown>)[tail] = value;
}

/**
 * Applies the layers in order (later wins) over the defaults and validates every field.
 * Throws ConfigError listing every problem.
 */
export function resolveConfig(layers: readonly ConfigLayer[]): ServerConfig {
  const config = cloneDefaults();
  const problems: string[] = [];
  for (const layer of layers) {
    for (const [field, { value, origin }] of layer.values) {
      const check = CONFIG_FIELDS.get(field);
      if (check === undefined) {
        problems.push(`${origin}: unknown setting "${field}"`);
        continue;
      }
      const result = check(value);
      if (result.ok) assign(config, field, result.value);
      else problems.push(`${origin}: ${field} must be ${result.want} (got ${show(value)})`);
    }
  }
  if (problems.length === 0 && config.rtmpPort !== 0 && config.rtmpPort === config.httpPort) {
    problems.push(`rtmpPort and httpPort are both ${config.rtmpPort}; they must differ`);
  }
  if (problems.length === 0 && config.hls.partMs * 2 > config.hls.segmentMs) {
    problems.push(
      `hls.partMs (${config.hls.partMs}) must be at most half of hls.segmentMs (${config.hls.segmentMs})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Validates a whole or partial config object (as in a JSON file or a test) over the defaults. */
export function configFromObject(raw: unknown, source = 'config'): ServerConfig {
  return resolveConfig([layerFromObject(raw, source)]);
}

/** Flattens a JSON object into a layer; nested objects become dotted fields. */
export function layerFromObject(raw: unknown, source: string): ConfigLayer {
  const values = new Map<string, { value: unknown; origin: string }>();
  const layer: ConfigLayer = { source, values };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([`${source}: must be a JSON object (got ${show(raw)})`]);
  }
  for (const [key, value] of Object.entries(raw)) {
    const nested =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(value)
        : undefined;
    if (nested !== undefined && !CONFIG_FIELDS.has(key)) {
      for (const [sub, subValue] of nested) {
        values.set(`${key}.${sub}`, { value: subValue, origin: source });
      }
    } else {
      values.set(key, { value, origin: source });
    }
  }
  return layer;
}
