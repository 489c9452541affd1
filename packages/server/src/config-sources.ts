import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, layerFromObject, resolveConfig } from './config.js';
import type { ConfigLayer, ServerConfig } from './config.js';

/** Environment variables and the config field each one sets. */
export const CONFIG_ENV: ReadonlyMap<string, string> = new Map([
  ['TIDECAST_RTMP_PORT', 'rtmpPort'],
  ['TIDECAST_HTTP_PORT', 'httpPort'],
  ['TIDECAST_HOST', 'host'],
  ['TIDECAST_DEMO', 'demo.enabled'],
  ['TIDECAST_DEMO_FILE', 'demo.file'],
  ['TIDECAST_LOG_LEVEL', 'logLevel'],
  ['TIDECAST_HLS', 'hls.enabled'],
  ['TIDECAST_HLS_SEGMENT_MS', 'hls.segmentMs'],
  ['TIDECAST_HLS_RECORD_DIR', 'hls.recordDir'],
  ['TIDECAST_MERGE_WRITE_MS', 'viewer.mergeWriteMs'],
]);

/** `serve` flags and the config field each one sets (`--no-demo` is handled apart). */
const FLAG_FIELDS: ReadonlyMap<string, string> = new Map([
  ['rtmp-port', 'rtmpPort'],
  ['http-port', 'httpPort'],
  ['host', 'host'],
  ['log-level', 'logLevel'],
  ['demo-file', 'demo.file'],
  ['hls-segment-ms', 'hls.segmentMs'],
  ['hls-record-dir', 'hls.recordDir'],
  ['merge-write-ms', 'viewer.mergeWriteMs'],
]);

export const SERVE_FLAGS_HELP = `  --rtmp-port N      RTMP listen port (default 1935; env TIDECAST_RTMP_PORT)
  --http-port N      HTTP/WebSocket listen port (default 8000; env TIDECAST_HTTP_PORT)
  --host ADDR        listen address (default 0.0.0.0; env TIDECAST_HOST)
  --no-demo          do not publish the built-in live/demo stream (env TIDECAST_DEMO=0)
  --demo-file FILE   FLV file the demo stream loops (env TIDECAST_DEMO_FILE)
  --no-hls           no HLS playlists (env TIDECAST_HLS=0)
  --hls-segment-ms N HLS target segment length (default 2000; env TIDECAST_HLS_SEGMENT_MS)
  --hls-record-dir D record every stream's HLS segments under D (env TIDECAST_HLS_RECORD_DIR)
  --merge-write-ms N gather N ms of output per viewer write: less server CPU for large
                     audiences, up to N ms more latency (default 0; env TIDECAST_MERGE_WRITE_MS)
  --config FILE      JSON file with any of the settings above (and more)
  --log-level LEVEL  fatal|error|warn|info|debug|trace|silent (env TIDECAST_LOG_LEVEL)`;

export interface ConfigSources {
  /** `serve` arguments (without the command name). */
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Injected for tests; default node:fs readFile as UTF-8. */
  readText?: (path: string) => Promise<string>;
}

/** Parses the serve flags; throws ConfigError for unknown flags or stray arguments. */
function flagLayer(args: readonly string[]): { layer: ConfigLayer; configFile?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        'rtmp-port': { type: 'string' },
        'http-port': { type: 'string' },
        host: { type: 'string' },
        'log-level': { type: 'string' },
        'demo-file': { type: 'string' },
        'no-demo': { type: 'boolean' },
        'no-hls': { type: 'boolean' },
        'hls-segment-ms': { type: 'string' },
        'hls-record-dir': { type: 'string' },
        'merge-write-ms': { type: 'string' },
        config: { type: 'string' },
      },
    });
  } catch (error) {
    throw new ConfigError([`flags: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const values = new Map<string, { value: unknown; origin: string }>();
  for (const [flag, field] of FLAG_FIELDS) {
    const value = (parsed.values as Record<string, unknown>)[flag];
    if (value !== undefined) values.set(field, { value, origin: `flag --${flag}` });
  }
  if (parsed.values['no-demo'] === true) {
    values.set('demo.enabled', { value: false, origin: 'flag --no-demo' });
  }
  if (parsed.values['no-hls'] === true) {
    values.set('hls.enabled', { value: false, origin: 'flag --no-hls' });
  }
  const result: { layer: ConfigLayer; configFile?: string } = {
    layer: { source: 'flags', values },
  };
  if (parsed.values.config !== undefined) result.configFile = parsed.values.config;
  return result;
}

function envLayer(env: Readonly<Record<string, string | undefined>>): ConfigLayer {
  const values = new Map<string, { value: unknown; origin: string }>();
  for (const [name, field] of CONFIG_ENV) {
    const value = env[name];
    if (value !== undefined && value !== '') values.set(field, { value, origin: `env ${name}` });
  }
  return { source: 'environment', values };
}

async function fileLayer(
  file: string,
  readText: (path: string) => Promise<string>,
): Promise<ConfigLayer> {
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`config file ${file}: cannot read it (${why})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`config file ${file}: not valid JSON (${why})`]);
  }
  return layerFromObject(raw, `config file ${file}`);
}

/** defaults < `--config FILE` (JSON) < environment < flags, validated as a whole. */
export async function loadConfig(sources: ConfigSources): Promise<ServerConfig> {
  const flags = flagLayer(sources.args);
  const layers: ConfigLayer[] = [];
  if (flags.configFile !== undefined) {
    const readText = sources.readText ?? ((p: string) => readFile(p, 'utf8'));
    layers.push(await fileLayer(flags.configFile, readText));
  }
  layers.push(envLayer(sources.env), flags.layer);
  return resolveConfig(layers);
}
