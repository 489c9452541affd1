/**
 * File names under `/APP/STREAM/hls/EPOCH/`. The epoch is new for every stream instance, so a
 * URL names the same bytes forever and can be cached as immutable: a stream that ends and is
 * published again gets new URLs rather than reusing old sequence numbers.
 */

export type HlsFile =
  | { type: 'init'; mapId: number }
  | { type: 'segment-mp4'; msn: number }
  | { type: 'segment-ts'; msn: number }
  /** Parts are numbered across the stream instance (HlsPart.serial), not per segment. */
  | { type: 'part'; serial: number };

const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => HlsFile][] = [
  [/^init-(\d{1,9})\.mp4$/, (m) => ({ type: 'init', mapId: Number(m[1]) })],
  [/^seg-(\d{1,12})\.m4s$/, (m) => ({ type: 'segment-mp4', msn: Number(m[1]) })],
  [/^seg-(\d{1,12})\.ts$/, (m) => ({ type: 'segment-ts', msn: Number(m[1]) })],
  [/^part-(\d{1,15})\.m4s$/, (m) => ({ type: 'part', serial: Number(m[1]) })],
];

export function hlsFileName(file: HlsFile): string {
  switch (file.type) {
    case 'init':
      return `init-${file.mapId}.mp4`;
    case 'segment-mp4':
      return `seg-${file.msn}.m4s`;
    case 'segment-ts':
      return `seg-${file.msn}.ts`;
    case 'part':
      return `part-${file.serial}.m4s`;
  }
}

/** The file a name refers to, or undefined for anything else. */
export function parseHlsFileName(name: string): HlsFile | undefined {
  for (const [pattern, make] of PATTERNS) {
    const m = pattern.exec(name);
    if (m !== null) return make(m);
  }
  return undefined;
}

export function hlsContentType(file: HlsFile): string {
  return file.type === 'segment-ts' ? 'video/mp2t' : 'video/mp4';
}

/** A fresh epoch: time plus randomness, base 36 (short, URL-safe, unique per instance). */
export function newEpoch(): string {
  const random = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${Date.now().toString(36)}${random}`;
}

export const EPOCH_PATTERN = /^[a-z0-9]{4,20}$/;
