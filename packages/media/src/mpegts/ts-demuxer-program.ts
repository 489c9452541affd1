import { MalformedError, UnsupportedError, asMediaError } from '../errors.js';
import type { TrackKind } from '../types.js';
import { PesAssembler, parsePesPacket, unwrapTimestamp } from './pes-assembler.js';
import type { PesOutcome } from './pes-assembler.js';
import { SectionAssembler, parsePat, parsePmt } from './psi-reader.js';
import type { Descriptor, Pat, Pmt, PmtStream } from './psi-reader.js';
import {
  DESCRIPTOR_EXTENSION,
  DESCRIPTOR_REGISTRATION,
  OPUS_FORMAT_IDENTIFIER,
  PAT_PID,
  StreamType,
} from './ts-constants.js';
import { AudioEs } from './ts-es-audio.js';
import { AdtsFramer, Mp3Framer } from './ts-es-audio-framers.js';
import { OpusFramer } from './ts-es-opus.js';
import type { EsSink, EsStream } from './ts-es-stream.js';
import { VideoEs } from './ts-es-video.js';

/** The ES parsers this demuxer has; `key` tells whether a PMT update changed a stream. */
interface StreamChoice {
  kind: TrackKind;
  key: string;
  create(): EsStream;
}

interface Stream {
  pid: number;
  key: string;
  pes: PesAssembler;
  es: EsStream;
  /** Last unwrapped DTS: the reference for the next one. */
  lastDts: number | undefined;
}

/** DVB extension descriptor tag_extension the Opus mapping uses for channel_config_code. */
const OPUS_EXTENSION_TAG = 0x80;

/**
 * One program of a transport stream (ISO/IEC 13818-1 2.4.4): follows PAT -> PMT -> elementary
 * PIDs, reassembles PES packets on those PIDs and hands them to the ES parsers with unwrapped
 * timestamps. The first program of the PAT is followed, with one video and one audio stream:
 * a MediaPacket has no track id, so further streams are reported and ignored.
 */
export class TsProgram {
  private readonly pat = new SectionAssembler();
  private pmtPid: number | undefined;
  private programNumber = 0;
  private pmt = new SectionAssembler();
  /** The last PMT section applied, to skip its periodic repeats cheaply. */
  private lastPmt: Uint8Array | undefined;
  private streams = new Map<number, Stream>();
  /** Last DTS of any stream: a new stream's first timestamp unwraps against it. */
  private lastDts: number | undefined;

  /** True for the PIDs this program reads (PAT, PMT, the chosen elementary streams). */
  wants(pid: number): boolean {
    return pid === PAT_PID || pid === this.pmtPid || this.streams.has(pid);
  }

  get bufferedBytes(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.pes.bufferedBytes + s.es.bufferedBytes;
    return n;
  }

  payload(
    pid: number,
    payload: Uint8Array,
    unitStart: boolean,
    offset: number,
    sink: EsSink,
  ): void {
    if (pid === PAT_PID) {
      const out = this.pat.push(payload, unitStart, offset);
      for (const e of out.errors) sink.warn(e);
      for (const s of out.sections) this.onPat(s, offset, sink);
      return;
    }
    if (pid === this.pmtPid) {
      const out = this.pmt.push(payload, unitStart, offset);
      for (const e of out.errors) sink.warn(e);
      for (const s of out.sections) this.onPmt(s, offset, sink);
      return;
    }
    const stream = this.streams.get(pid);
    if (stream === undefined) return;
    for (const outcome of stream.pes.push(payload, unitStart, offset)) {
      this.onPes(stream, outcome, sink);
    }
  }

  /** Damage on `pid` (continuity error, transport error): drop what it was assembling. */
  discard(pid: number): void {
    if (pid === PAT_PID) this.pat.discard();
    else if (pid === this.pmtPid) this.pmt.discard();
    const stream = this.streams.get(pid);
    if (stream !== undefined) {
      stream.pes.discard();
      stream.es.discard();
    }
  }

  flush(sink: EsSink): void {
    for (const stream of this.streams.values()) {
      for (const outcome of stream.pes.flush()) this.onPes(stream, outcome, sink);
      stream.es.flush(sink);
    }
  }

  private onPat(section: Uint8Array, offset: number, sink: EsSink): void {
    let pat: Pat;
    try {
      pat = parsePat(section, offset);
    } catch (e) {
      sink.warn(asMediaError(e, offset));
      return;
    }
    if (!pat.currentNext) return;
    const programs = pat.programs.filter((p) => p.programNumber !== 0);
    const first = programs[0];
    if (first === undefined) return;
    if (programs.length > 1) {
      const error = new UnsupportedError(
        `the PAT lists ${programs.length} programs; only program ${first.programNumber} is read`,
        { offset },
      );
      sink.warn(error, 'programs');
    }
    if (first.pid === this.pmtPid && first.programNumber === this.programNumber) return;
    this.pmtPid = first.pid;
    this.programNumber = first.programNumber;
    this.pmt = new SectionAssembler();
    this.lastPmt = undefined;
  }

  private onPmt(section: Uint8Array, offset: number, sink: EsSink): void {
    if (this.lastPmt !== undefined && sameBytes(section, this.lastPmt)) return;
    let pmt: Pmt;
    try {
      pmt = parsePmt(section, offset);
    } catch (e) {
      sink.warn(asMediaError(e, offset));
      return;
    }
    if (pmt.programNumber !== this.programNumber || !pmt.currentNext) return;
    this.lastPmt = section.slice();
    const next = new Map<number, Stream>();
    const taken = new Set<TrackKind>();
    for (const entry of pmt.streams) {
      const choice = chooseStream(entry, pmt.programDescriptors);
      if (choice === undefined) {
        const error = new UnsupportedError(
          `stream_type 0x${entry.streamType.toString(16)} (PID ${entry.pid}) is not supported; ignored`,
          { offset },
        );
        sink.warn(error, `stream-type:${entry.streamType}`);
        continue;
      }
      if (taken.has(choice.kind) || next.has(entry.pid)) {
        const error = new UnsupportedError(
          `only one ${choice.kind} stream is read; PID ${entry.pid} is ignored`,
          { offset },
        );
        sink.warn(error, `extra:${choice.kind}:${entry.pid}`);
        continue;
      }
      taken.add(choice.kind);
      const old = this.streams.get(entry.pid);
      next.set(
        entry.pid,
        old !== undefined && old.key === choice.key
          ? old
          : {
              pid: entry.pid,
              key: choice.key,
              pes: new PesAssembler(),
              es: choice.create(),
              lastDts: undefined,
            },
      );
    }
    this.streams = next;
  }

  private onPes(stream: Stream, outcome: PesOutcome, sink: EsSink): void {
    if ('error' in outcome) {
      sink.warn(outcome.error);
      stream.es.discard();
      return;
    }
    let pes;
    try {
      pes = parsePesPacket(outcome.bytes, outcome.offset);
    } catch (e) {
      const inner = asMediaError(e, outcome.offset);
      const error = new MalformedError(
        `PES on PID ${stream.pid} at offset ${outcome.offset} dropped: ${inner.message}`,
        { offset: outcome.offset, cause: inner },
      );
      sink.warn(error);
      stream.es.discard();
      return;
    }
    let pts: number | undefined;
    let dts: number | undefined;
    if (pes.pts !== undefined) {
      // The DTS is unwrapped against the stream's last DTS (or, for its first, any stream's),
      // then the PTS against that DTS: both pick the 2^33 multiple nearest their reference.
      dts = unwrapTimestamp(pes.dts ?? pes.pts, stream.lastDts ?? this.lastDts);
      pts = unwrapTimestamp(pes.pts, dts);
      stream.lastDts = dts;
      this.lastDts = dts;
    }
    stream.es.push({ pts, dts, data: pes.data, offset: outcome.offset }, sink);
  }
}

/** Maps a PMT entry to our ES parsers (stream_type values: Table 2-34). */
function chooseStream(
  entry: PmtStream,
  programDescriptors: Descriptor[],
): StreamChoice | undefined {
  switch (entry.streamType) {
    case StreamType.H264:
      return { kind: 'video', key: 'avc', create: () => new VideoEs('avc') };
    case StreamType.H265:
      return { kind: 'video', key: 'hevc', create: () => new VideoEs('hevc') };
    case StreamType.AAC_ADTS:
      return { kind: 'audio', key: 'aac', create: () => new AudioEs(new AdtsFramer()) };
    case StreamType.MPEG1_AUDIO:
    case StreamType.MPEG2_AUDIO:
      return { kind: 'audio', key: 'mp3', create: () => new AudioEs(new Mp3Framer()) };
    case StreamType.PRIVATE_PES: {
      const all = [...entry.descriptors, ...programDescriptors];
      if (!all.some(isOpusRegistration)) return undefined;
      const channels = opusChannelConfig(entry.descriptors);
      return {
        kind: 'audio',
        key: `opus:${channels}`,
        create: () => new AudioEs(new OpusFramer(channels)),
      };
    }
    default:
      return undefined;
  }
}

/** registration_descriptor (2.6.8) with format_identifier 'Opus'. */
function isOpusRegistration(d: Descriptor): boolean {
  if (d.tag !== DESCRIPTOR_REGISTRATION || d.body.length < 4) return false;
  const id = (d.body[0] ?? 0) * 2 ** 24 + (d.body[1] ?? 0) * 65536 + (d.body[2] ?? 0) * 256;
  return id + (d.body[3] ?? 0) === OPUS_FORMAT_IDENTIFIER;
}

/** channel_config_code of the extension descriptor; stereo when absent, as decoders assume. */
function opusChannelConfig(descriptors: Descriptor[]): number {
  for (const d of descriptors) {
    if (d.tag === DESCRIPTOR_EXTENSION && d.body[0] === OPUS_EXTENSION_TAG && d.body.length >= 2) {
      const code = d.body[1] ?? 2;
      // 0x81..: explicit channel mapping tables, which we do not read; the count is unknown.
      return code <= 8 ? code : 2;
    }
  }
  return 2;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
