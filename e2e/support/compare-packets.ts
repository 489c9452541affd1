import type { ProbeKind, ProbePacket } from './ffprobe.js';

/** The fields the acceptance criteria compare, per track kind, in decode order. */
export interface PacketTimeline {
  dts: number[];
  pts: number[];
  keyframe: boolean[];
  size: number[];
}

export function timelineOf(
  packets: readonly {
    kind: ProbeKind;
    dts: number | null;
    pts: number | null;
    keyframe: boolean;
    size: number;
  }[],
  kind: ProbeKind,
): PacketTimeline {
  const mine = packets.filter((p) => p.kind === kind);
  return {
    dts: mine.map((p) => p.dts ?? Number.NaN),
    pts: mine.map((p) => p.pts ?? Number.NaN),
    keyframe: mine.map((p) => p.keyframe),
    size: mine.map((p) => p.size),
  };
}

/** ffprobe packets with the names our probe uses. */
export function fromFfprobe(packets: readonly ProbePacket[]): {
  kind: ProbeKind;
  dts: number | null;
  pts: number | null;
  keyframe: boolean;
  size: number;
}[] {
  return packets.map((p) => ({
    kind: p.kind,
    dts: p.dtsMs,
    pts: p.ptsMs,
    keyframe: p.keyframe,
    size: p.size,
  }));
}
