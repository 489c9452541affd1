import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Amf0EcmaArray, encodeAmf0 } from '@tidecast/media';
import {
  callFailedMessage,
  connectResultMessage,
  decodeCommand,
  parseConnectObject,
  splitQuery,
} from './rtmp-commands.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import { MessageType } from './rtmp-message.js';
import { TimestampExtender, splitAggregate } from './rtmp-session-media.js';

const msg = (typeId: number, payload: Uint8Array) => ({
  typeId,
  streamId: 0,
  timestamp: 0,
  payload,
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RtmpProtocolError);
    return (error as RtmpProtocolError).code;
  }
  return undefined;
}

describe('rtmp-commands', () => {
  it('decodes AMF0 and AMF3 (0x00 + AMF0) command messages alike', () => {
    const body = encodeAmf0('play', 0, null, 'cam', -2);
    const amf3 = new Uint8Array(body.length + 1);
    amf3.set(body, 1);
    const expected = { name: 'play', transactionId: 0, object: null, args: ['cam', -2] };
    expect(decodeCommand(msg(MessageType.CommandAMF0, body))).toEqual(expected);
    expect(decodeCommand(msg(MessageType.CommandAMF3, amf3))).toEqual(expected);
  });

  it('rejects a command without a name and bad AMF0 with typed errors', () => {
    expect(code(() => decodeCommand(msg(20, encodeAmf0(1, 2))))).toBe('BAD_COMMAND');
    expect(code(() => decodeCommand(msg(20, Uint8Array.of(0x02, 0, 9, 0x41))))).toBe('BAD_AMF');
    expect(code(() => decodeCommand(msg(20, new Uint8Array(0))))).toBe('BAD_COMMAND');
  });

  it('builds the connect _result and Call.Failed _error bodies', () => {
    const result = connectResultMessage(1, 3);
    expect([result.typeId, result.streamId]).toEqual([20, 0]);
    expect(result.payload).toEqual(
      encodeAmf0(
        '_result',
        1,
        { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
        {
          level: 'status',
          code: 'NetConnection.Connect.Success',
          description: 'Connection succeeded.',
          objectEncoding: 3,
        },
      ),
    );
    expect(callFailedMessage(1, 7, 'nope').payload).toEqual(
      encodeAmf0('_error', 7, null, {
        level: 'error',
        code: 'NetConnection.Call.Failed',
        description: 'nope',
      }),
    );
  });

  it('reads the connect object whether anonymous object or ECMA array', () => {
    const fromArray = parseConnectObject(
      new Amf0EcmaArray({ app: 'live/', tcUrl: 'rtmp://h/live', objectEncoding: 0 }),
    );
    expect(fromArray).toEqual({ app: 'live/', tcUrl: 'rtmp://h/live', objectEncoding: 0 });
    expect(code(() => parseConnectObject({ tcUrl: 'x' }))).toBe('BAD_COMMAND');
    expect(code(() => parseConnectObject(null))).toBe('BAD_COMMAND');
  });

  it('splits stream names from their query', () => {
    expect(splitQuery('cam')).toEqual({ name: 'cam', query: {} });
    const { name, query } = splitQuery('cam?key=a%20b&flag&bad=%E0%A4&__proto__=1&x=1+2');
    expect(name).toBe('cam');
    expect({ ...query }).toEqual({
      key: 'a b',
      flag: '',
      bad: '%E0%A4',
      ['__proto__']: '1',
      x: '1 2',
    });
    expect(Object.getPrototypeOf(query)).toBeNull();
  });
});

describe('TimestampExtender', () => {
  it('recovers the true time from 32-bit values for any walk with steps under 2^31', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2 ** 40, noNaN: true }),
        fc.array(fc.integer({ min: -100_000, max: 2 ** 31 - 1 }), { maxLength: 40 }),
        (start, steps) => {
          const clock = new TimestampExtender();
          let now = Math.floor(start);
          expect(clock.extend(now % 2 ** 32)).toBe(now % 2 ** 32); // first value taken as is
          const base = now - (now % 2 ** 32);
          for (const step of steps) {
            if (now + step - base < 0) continue; // never before the first value's epoch
            now += step;
            expect(clock.extend(now % 2 ** 32) + base).toBe(now);
          }
        },
      ),
    );
  });

  it('does not move on uncommitted (data) timestamps', () => {
    const clock = new TimestampExtender();
    clock.extend(4294967000);
    expect(clock.extend(100)).toBe(4294967396);
    expect(clock.extend(0, false)).toBe(4294967296);
    expect(clock.extend(200)).toBe(4294967496);
  });
});

describe('splitAggregate', () => {
  it('rejects truncated and overrunning sub-messages', () => {
    const agg = (payload: Uint8Array) => ({ typeId: 22, streamId: 1, timestamp: 0, payload });
    expect(code(() => splitAggregate(agg(Uint8Array.of(9, 0, 0))))).toBe('BAD_MESSAGE');
    const overrun = new Uint8Array(15);
    overrun[0] = 9;
    overrun[3] = 200;
    expect(code(() => splitAggregate(agg(overrun)))).toBe('BAD_MESSAGE');
    const wrongType = new Uint8Array(15);
    wrongType[0] = 20;
    expect(code(() => splitAggregate(agg(wrongType)))).toBe('BAD_MESSAGE');
    expect(splitAggregate(agg(new Uint8Array(0)))).toEqual([]);
  });
});
