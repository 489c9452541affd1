/**
 * The contract every implementation under test fulfils, so that run.ts times them the same way.
 * An adapter does the whole FLV -> fMP4 job for one input, from first chunk to final flush.
 */

/** Which bytes a player would hand to MSE: one combined stream, or one per SourceBuffer. */
export type OutputKind = 'init' | 'media';

/**
 * Receives every output segment in order. `stream` names the SourceBuffer the bytes are meant
 * for ('av' when audio and video share one, 'video'/'audio' when they do not).
 */
export type OutputSink = (stream: string, kind: OutputKind, bytes: Uint8Array) => void;

export interface TransmuxRunReport {
  /** Non-fatal problems the implementation reported (warnings, log lines at warn level). */
  warnings: string[];
}

export interface TransmuxAdapter {
  readonly name: string;
  readonly version: string;
  /**
   * Transmux the whole input. `input` is the file split into network-sized chunks; adapters must
   * not copy or look ahead beyond what their own streaming design does. Throws on a fatal error.
   */
  run(input: readonly ArrayBuffer[], sink: OutputSink): TransmuxRunReport;
}
