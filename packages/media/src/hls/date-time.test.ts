import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedError } from '../errors.js';
import { thrownMediaError } from '../test-support/fuzz.js';
import { formatDateTime, parseDateTime } from './date-time.js';

describe('program date-time (RFC 8216 4.3.2.6)', () => {
  it.each([
    ['2010-02-19T14:54:23.031+08:00', '2010-02-19T06:54:23.031Z'],
    ['2010-02-19T14:54:23.031Z', '2010-02-19T14:54:23.031Z'],
    ['2026-11-21T03:31:14.260+0000', '2026-11-21T03:31:14.260Z'],
    ['2024-01-01T00:30:00-01', '2024-01-01T01:30:00.000Z'],
    ['2024-02-29T23:59:59.9999999z', '2024-02-29T23:59:59.999Z'],
    ['2024-03-01t00:00:00,5Z', '2024-03-01T00:00:00.500Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
  ])('parses %s', (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  it.each([
    '2010-02-19 14:54:23Z',
    '2010-02-19T14:54:23',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:00+24:00',
    'yesterday',
  ])('refuses %s', (text) => {
    expect(thrownMediaError(() => parseDateTime(text))).toBeInstanceOf(MalformedError);
  });

  it('writes milliseconds and Z, and reads it back', () => {
    const d = new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 7));
    expect(formatDateTime(d)).toBe('2024-05-01T12:00:00.007Z');
    expect(parseDateTime(formatDateTime(d)).getTime()).toBe(d.getTime());
    expect(() => formatDateTime(new Date(Number.NaN))).toThrow(InvalidArgumentError);
    expect(() => formatDateTime(new Date(Date.UTC(10000, 0, 1)))).toThrow(InvalidArgumentError);
  });
});
