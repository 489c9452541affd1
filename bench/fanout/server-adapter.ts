/** One live server under test, started inside the server child process. */
export interface BenchServer {
  readonly name: string;
  readonly version: string;
  /** Listens on 127.0.0.1 and resolves once both RTMP and HTTP accept connections. */
  start(): Promise<{ rtmpPort: number; httpPort: number }>;
  stop(): Promise<void>;
}

/** Reads a property of an untyped module or object (peer packages ship no types). */
export function member(value: unknown, key: string): unknown {
  if ((typeof value === 'object' || typeof value === 'function') && value !== null) {
    return (value as Record<string, unknown>)[key];
  }
  return undefined;
}
