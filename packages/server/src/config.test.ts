import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, configFromObject } from './config.js';
import { loadConfig } from './config-sources.js';

async function problemsOf(run: () => Promise<unknown>): Promise<readonly string[]> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has the documented defaults', async () => {
    const config = await loadConfig({ args: [], env: {} });
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(config.rtmpPort).toBe(1935);
    expect(config.httpPort).toBe(8000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.demo.enabled).toBe(true);
    expect(config.gopCache.enabled).toBe(true);
    expect(config.viewer.mergeWriteMs).toBe(0);
  });

  it('takes merged writes from a flag, the environment or a file, within 0-1000 ms', async () => {
    const fromFlag = await loadConfig({ args: ['--merge-write-ms', '40'], env: {} });
    expect(fromFlag.viewer.mergeWriteMs).toBe(40);
    const fromEnv = await loadConfig({ args: [], env: { TIDECAST_MERGE_WRITE_MS: '100' } });
    expect(fromEnv.viewer.mergeWriteMs).toBe(100);
    expect(configFromObject({ viewer: { mergeWriteMs: 350 } }).viewer.mergeWriteMs).toBe(350);
    const problems = await problemsOf(() =>
      loadConfig({ args: ['--merge-write-ms', '5000'], env: {} }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^flag --merge-write-ms: viewer.mergeWriteMs must be an integer 0-1000/,
      ),
    ]);
  });

  it('takes RTMP connection limits from a file, range-checked', async () => {
    expect(DEFAULT_CONFIG.rtmp).toEqual({
      setupTimeoutMs: 10_000,
      publisherIdleMs: 30_000,
      playWaitMs: 30_000,
      pausedPlayMaxMs: 300_000,
    });
    const set = configFromObject({ rtmp: { playWaitMs: 0, pausedPlayMaxMs: 60_000 } }).rtmp;
    expect(set).toEqual({ ...DEFAULT_CONFIG.rtmp, playWaitMs: 0, pausedPlayMaxMs: 60_000 });
    const problems = await problemsOf(async () =>
      configFromObject({ rtmp: { setupTimeoutMs: 10, pausedPlayMaxMs: -1 } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/rtmp\.setupTimeoutMs must be an integer 1000-600000/),
      expect.stringMatching(/rtmp\.pausedPlayMaxMs must be an integer 0-86400000/),
    ]);
  });

  it('layers defaults < file < env < flags', async () => {
    const file = JSON.stringify({
      rtmpPort: 1000,
      httpPort: 2000,
      host: '127.0.0.1',
      gopCache: { maxBytes: 1024 },
    });
    const config = await loadConfig({
      args: ['--config', 'x.json', '--http-port', '3000', '--no-demo'],
      env: { TIDECAST_HTTP_PORT: '2500', TIDECAST_RTMP_PORT: '1500', TIDECAST_LOG_LEVEL: 'warn' },
      readText: (path) =>
        path === 'x.json' ? Promise.resolve(file) : Promise.reject(new Error('no')),
    });
    expect(config.rtmpPort).toBe(1500); // env over file
    expect(config.httpPort).toBe(3000); // flag over env
    expect(config.host).toBe('127.0.0.1'); // file over default
    expect(config.gopCache.maxBytes).toBe(1024);
    expect(config.gopCache.enabled).toBe(true);
    expect(config.logLevel).toBe('warn');
    expect(config.demo.enabled).toBe(false);
  });

  it('reports every bad field once, naming its source', async () => {
    const problems = await problemsOf(() =>
      loadConfig({
        args: ['--rtmp-port', 'abc', '--log-level', 'loud'],
        env: { TIDECAST_HTTP_PORT: '70000', TIDECAST_DEMO: 'maybe' },
      }),
    );
    expect(problems).toHaveLength(4);
    expect(problems).toContainEqual(
      expect.stringMatching(/^flag --rtmp-port: rtmpPort must be an integer port 0-65535.*"abc"/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^flag --log-level: logLevel must be one of fatal, error/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^env TIDECAST_HTTP_PORT: httpPort must be .*"70000"/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^env TIDECAST_DEMO: demo.enabled must be a boolean/),
    );
  });

  it('rejects unknown settings, unknown flags, bad JSON and equal ports', async () => {
    expect(() => configFromObject({ rtmpPort: 1, colour: 'red' }, 'file')).toThrow(
      /file: unknown setting "colour"/,
    );
    expect(() => configFromObject([], 'file')).toThrow(/file: must be a JSON object/);
    expect(() => configFromObject({ rtmpPort: 9000, httpPort: 9000 })).toThrow(
      /both 9000; they must differ/,
    );
    expect(() => configFromObject({ hls: { segmentMs: 1000, partMs: 600 } })).toThrow(
      /hls.partMs \(600\) must be at most half of hls.segmentMs \(1000\)/,
    );
    await expect(
      loadConfig({
        args: ['--no-hls', '--hls-segment-ms', '1000'],
        env: { TIDECAST_HLS_RECORD_DIR: '/r' },
      }),
    ).resolves.toMatchObject({ hls: { enabled: false, segmentMs: 1000, recordDir: '/r' } });
    expect(() => configFromObject({ gopCache: { maxDurationMs: -1 } })).toThrow(
      /gopCache.maxDurationMs must be an integer 0-600000/,
    );
    await expect(loadConfig({ args: ['--bogus'], env: {} })).rejects.toThrow(
      /flags: Unknown option '--bogus'/,
    );
    await expect(
      loadConfig({
        args: ['--config', 'c.json'],
        env: {},
        readText: () => Promise.resolve('{oops'),
      }),
    ).rejects.toThrow(/config file c.json: not valid JSON/);
    await expect(
      loadConfig({
        args: ['--config', 'missing.json'],
        env: {},
        readText: () => Promise.reject(new Error('ENOENT')),
      }),
    ).rejects.toThrow(/config file missing.json: cannot read it \(ENOENT\)/);
  });

  it('accepts port 0 for both (tests) and boolean spellings from the environment', async () => {
    const config = await loadConfig({
      args: ['--rtmp-port', '0', '--http-port', '0'],
      env: { TIDECAST_DEMO: 'off', TIDECAST_HOST: '::' },
    });
    expect(config.rtmpPort).toBe(0);
    expect(config.httpPort).toBe(0);
    expect(config.demo.enabled).toBe(false);
    expect(config.host).toBe('::');
  });
});
