/**
 * An in-process LL-HLS origin for the loader tests, behind a stubbed `fetch`: parts of 0.5 s,
 * four per segment, produced on demand when a blocking reload or a preload hint asks for one
 * that does not exist yet (as a real server would answer once it does). Media bodies are their
 * own names, so the test can read back the order of what was delivered.
 */
export interface FakeLlOptions {
  /** Parts that exist at the start. */
  initialParts: number;
  /** After this many parts the playlist gets EXT-X-ENDLIST. */
  totalParts: number;
  /** Segment that starts a new timeline with a new EXT-X-MAP. */
  discontinuityAt?: number;
  /** Answers for a URL path before the real one (e.g. [500, 500] = two failures). */
  failures?: Record<string, number[]>;
}

const PARTS = 4;

export class FakeLlServer {
  produced: number;
  readonly requests: string[] = [];
  private readonly failures: Record<string, number[]>;

  constructor(private readonly options: FakeLlOptions) {
    this.produced = options.initialParts;
    this.failures = structuredClone(options.failures ?? {});
  }

  readonly fetch = (input: unknown): Promise<Response> => {
    const url = new URL(input instanceof URL ? input.href : String(input));
    this.requests.push(url.pathname.replace(/^.*\//, '') + url.search);
    const name = url.pathname.replace(/^.*\//, '');
    const fail = this.failures[name]?.shift();
    if (fail !== undefined) return Promise.resolve(new Response('no', { status: fail }));
    if (name === 'live.m3u8') {
      const msn = url.searchParams.get('_HLS_msn');
      if (msn !== null) {
        const part = Number(url.searchParams.get('_HLS_part') ?? PARTS - 1);
        this.produceUpTo(Number(msn) * PARTS + part + 1);
      }
      return Promise.resolve(new Response(this.playlist()));
    }
    const m = /^p(\d+)\.(\d+)\.m4s$/.exec(name);
    if (m !== null) {
      const index = Number(m[1]) * PARTS + Number(m[2]);
      if (index >= this.options.totalParts)
        return Promise.resolve(new Response('', { status: 404 }));
      this.produceUpTo(index + 1);
    }
    return Promise.resolve(new Response(`[${name}]`));
  };

  private produceUpTo(n: number): void {
    this.produced = Math.min(this.options.totalParts, Math.max(this.produced, n));
  }

  playlist(): string {
    const ended = this.produced >= this.options.totalParts;
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0',
      '#EXT-X-PART-INF:PART-TARGET=0.5',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-MAP:URI="init1.mp4"',
    ];
    const complete = Math.floor(this.produced / PARTS);
    const total = complete + (this.produced % PARTS > 0 ? 1 : 0);
    for (let s = 0; s < total; s++) {
      if (s === this.options.discontinuityAt) {
        lines.push('#EXT-X-DISCONTINUITY', '#EXT-X-MAP:URI="init2.mp4"');
      }
      const parts = Math.min(PARTS, this.produced - s * PARTS);
      for (let p = 0; p < parts; p++) {
        const independent = p === 0 ? ',INDEPENDENT=YES' : '';
        lines.push(`#EXT-X-PART:DURATION=0.5,URI="p${s}.${p}.m4s"${independent}`);
      }
      if (s < complete) lines.push('#EXTINF:2.0,', `s${s}.m4s`);
    }
    if (ended) lines.push('#EXT-X-ENDLIST');
    else {
      const next = this.produced;
      lines.push(
        `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p${Math.floor(next / PARTS)}.${next % PARTS}.m4s"`,
      );
    }
    return lines.join('\n') + '\n';
  }
}
