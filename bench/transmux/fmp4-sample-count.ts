/**
 * An independent, minimal fragmented-MP4 reader used only to check that both implementations
 * did the same work: it counts samples per handler type (vide/soun) from the boxes themselves,
 * not from what an implementation says about its output. ISO/IEC 14496-12: box header 4.2,
 * tkhd 8.3.2, hdlr 8.4.3, tfhd 8.8.7, trun 8.8.8.
 */

export interface Fmp4Counts {
  initSegments: number;
  fragments: number;
  videoSamples: number;
  audioSamples: number;
  /** Sum of mdat payload sizes (sample bytes carried). */
  mdatBytes: number;
}

interface Box {
  type: string;
  /** Payload start and end (after the header) in the stream. */
  start: number;
  end: number;
}

function fourcc(view: DataView, at: number): string {
  return String.fromCharCode(
    view.getUint8(at),
    view.getUint8(at + 1),
    view.getUint8(at + 2),
    view.getUint8(at + 3),
  );
}

function* boxes(view: DataView, from: number, to: number): Generator<Box> {
  let at = from;
  while (at < to) {
    if (to - at < 8) throw new Error(`fmp4: truncated box header at ${at}`);
    let size = view.getUint32(at);
    const type = fourcc(view, at + 4);
    let header = 8;
    if (size === 1) {
      size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new Error(`fmp4: bad size for '${type}' at ${at}`);
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(view: DataView, parent: Box, type: string): Box | undefined {
  for (const box of boxes(view, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** Counts one output stream (the concatenation of everything sent to one SourceBuffer). */
export function countFmp4(stream: Uint8Array): Fmp4Counts {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const handlers = new Map<number, string>();
  const counts: Fmp4Counts = {
    initSegments: 0,
    fragments: 0,
    videoSamples: 0,
    audioSamples: 0,
    mdatBytes: 0,
  };

  for (const top of boxes(view, 0, stream.byteLength)) {
    if (top.type === 'moov') {
      counts.initSegments++;
      for (const trak of boxes(view, top.start, top.end)) {
        if (trak.type !== 'trak') continue;
        const tkhd = child(view, trak, 'tkhd');
        const hdlr = child(view, child(view, trak, 'mdia') ?? trak, 'hdlr');
        if (tkhd === undefined || hdlr === undefined)
          throw new Error('fmp4: trak without tkhd/hdlr');
        // tkhd v1 has 64-bit creation/modification times before track_ID.
        const idAt = tkhd.start + (view.getUint8(tkhd.start) === 1 ? 20 : 12);
        handlers.set(view.getUint32(idAt), fourcc(view, hdlr.start + 8));
      }
    } else if (top.type === 'moof') {
      counts.fragments++;
      for (const traf of boxes(view, top.start, top.end)) {
        if (traf.type !== 'traf') continue;
        const tfhd = child(view, traf, 'tfhd');
        if (tfhd === undefined) throw new Error('fmp4: traf without tfhd');
        const handler = handlers.get(view.getUint32(tfhd.start + 4));
        let samples = 0;
        for (const trun of boxes(view, traf.start, traf.end)) {
          if (trun.type === 'trun') samples += view.getUint32(trun.start + 4);
        }
        if (handler === 'vide') counts.videoSamples += samples;
        else if (handler === 'soun') counts.audioSamples += samples;
        else throw new Error(`fmp4: fragment for unknown track (handler ${String(handler)})`);
      }
    } else if (top.type === 'mdat') {
      counts.mdatBytes += top.end - top.start;
    }
  }
  return counts;
}

export function addCounts(a: Fmp4Counts, b: Fmp4Counts): Fmp4Counts {
  return {
    initSegments: a.initSegments + b.initSegments,
    fragments: a.fragments + b.fragments,
    videoSamples: a.videoSamples + b.videoSamples,
    audioSamples: a.audioSamples + b.audioSamples,
    mdatBytes: a.mdatBytes + b.mdatBytes,
  };
}
