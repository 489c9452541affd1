import { describe, expect, it } from 'vitest';
import { sniffFormat } from './sniff-format.js';

const ascii = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)));

describe('sniffFormat', () => {
  it('recognises FLV by its signature', () => {
    expect(sniffFormat(new Uint8Array([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9]))).toBe('flv');
  });

  it('recognises ISO BMFF by a leading top-level box', () => {
    for (const type of ['ftyp', 'moov', 'moof', 'styp', 'free', 'sidx']) {
      expect(sniffFormat(new Uint8Array([0, 0, 0, 24, ...ascii(type)]))).toBe('mp4');
    }
  });

  it('recognises MPEG-TS by a sync byte every 188 bytes', () => {
    const ts = new Uint8Array(377);
    ts[0] = ts[188] = ts[376] = 0x47;
    expect(sniffFormat(ts)).toBe('ts');
    expect(sniffFormat(ts.subarray(0, 189))).toBe('ts');
    ts[188] = 0x46;
    expect(sniffFormat(ts)).toBeUndefined();
  });

  it('rejects anything else, including short input', () => {
    expect(sniffFormat(new Uint8Array())).toBeUndefined();
    expect(sniffFormat(ascii('FL'))).toBeUndefined();
    expect(sniffFormat(new Uint8Array([0, 0, 0, 24, ...ascii('mdaX')]))).toBeUndefined();
    expect(sniffFormat(new Uint8Array([0x47, 0x40, 0x00, 0x10]))).toBeUndefined();
  });
});
