import { InvalidArgumentError, MalformedError } from '../errors.js';
import type { Resolution } from './playlist-types.js';

/**
 * HLS attribute lists (RFC 8216 4.2): `NAME=value` pairs separated by commas, each value one of
 * decimal-integer, hexadecimal-sequence, decimal-floating-point, signed-decimal-floating-point,
 * quoted-string, enumerated-string or decimal-resolution. Reading checks the type a tag expects
 * for each attribute; writing formats and validates values so no output can break a line.
 */

export interface RawAttributeValue {
  text: string;
  quoted: boolean;
}

const NAME = /^[A-Z0-9-]+$/;
const INTEGER = /^[0-9]{1,20}$/;
const FLOAT = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const SIGNED_FLOAT = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
const RESOLUTION = /^([0-9]{1,10})x([0-9]{1,10})$/;

/** decimal-integer (RFC 8216 4.2) within the range a double holds exactly. */
export function parseDecimalInteger(text: string, what: string): number {
  if (!INTEGER.test(text)) throw new MalformedError(`${what}: "${text}" is not a decimal-integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new MalformedError(`${what}: ${text} is too large`);
  return value;
}

/** decimal-floating-point, or its signed variant (RFC 8216 4.2). */
export function parseDecimalFloat(text: string, what: string, signed = false): number {
  if (!(signed ? SIGNED_FLOAT : FLOAT).test(text)) {
    throw new MalformedError(`${what}: "${text}" is not a decimal number`);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw new MalformedError(`${what}: ${text} is out of range`);
  return value;
}

export class AttributeList {
  private constructor(private readonly values: ReadonlyMap<string, RawAttributeValue>) {}

  /** Splits `text`; whitespace around names, values and commas is tolerated. */
  static parse(text: string): AttributeList {
    const values = new Map<string, RawAttributeValue>();
    let at = 0;
    const skipSpaces = (): void => {
      while (text[at] === ' ' || text[at] === '\t') at++;
    };
    while (true) {
      skipSpaces();
      if (at >= text.length) break;
      const eq = text.indexOf('=', at);
      if (eq < 0) throw new MalformedError(`attribute without "=" at "${text.slice(at, at + 20)}"`);
      const name = text.slice(at, eq).trim();
      if (!NAME.test(name)) throw new MalformedError(`bad attribute name "${name}"`);
      if (values.has(name)) throw new MalformedError(`attribute ${name} appears twice`);
      at = eq + 1;
      skipSpaces();
      let value: RawAttributeValue;
      if (text[at] === '"') {
        const close = text.indexOf('"', at + 1);
        if (close < 0) throw new MalformedError(`attribute ${name}: unterminated quoted-string`);
        value = { text: text.slice(at + 1, close), quoted: true };
        at = close + 1;
        skipSpaces();
        if (at < text.length && text[at] !== ',') {
          throw new MalformedError(`attribute ${name}: text after the quoted-string`);
        }
      } else {
        const comma = text.indexOf(',', at);
        const end = comma < 0 ? text.length : comma;
        const raw = text.slice(at, end).trim();
        if (raw === '' || raw.includes('"')) {
          throw new MalformedError(`attribute ${name}: bad value "${raw}"`);
        }
        value = { text: raw, quoted: false };
        at = end;
      }
      values.set(name, value);
      at++; // the comma (or past the end)
    }
    return new AttributeList(values);
  }

  get names(): string[] {
    return [...this.values.keys()];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The value as written, for attributes that take either a quoted or an enumerated string. */
  get(name: string): RawAttributeValue | undefined {
    return this.values.get(name);
  }

  private raw(name: string, quoted: boolean): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (v.quoted !== quoted) {
      throw new MalformedError(`${name} must ${quoted ? '' : 'not '}be a quoted-string`);
    }
    return v.text;
  }

  quoted(name: string): string | undefined {
    return this.raw(name, true);
  }

  enumerated(name: string): string | undefined {
    return this.raw(name, false);
  }

  /** An enumerated YES/NO attribute; absent is `undefined`. */
  yesNo(name: string): boolean | undefined {
    const v = this.raw(name, false);
    if (v === undefined) return undefined;
    if (v !== 'YES' && v !== 'NO') throw new MalformedError(`${name} must be YES or NO, not ${v}`);
    return v === 'YES';
  }

  integer(name: string): number | undefined {
    const v = this.raw(name, false);
    return v === undefined ? undefined : parseDecimalInteger(v, name);
  }

  float(name: string, signed = false): number | undefined {
    const v = this.raw(name, false);
    return v === undefined ? undefined : parseDecimalFloat(v, name, signed);
  }

  resolution(name: string): Resolution | undefined {
    const v = this.raw(name, false);
    if (v === undefined) return undefined;
    const m = RESOLUTION.exec(v);
    if (m === null) throw new MalformedError(`${name}: "${v}" is not a decimal-resolution`);
    return { width: Number(m[1]), height: Number(m[2]) };
  }

  /** hexadecimal-sequence as bytes; an odd digit count gets a leading zero nibble. */
  hex(name: string): Uint8Array | undefined {
    const v = this.raw(name, false);
    if (v === undefined) return undefined;
    if (!HEX.test(v)) throw new MalformedError(`${name}: "${v}" is not a hexadecimal-sequence`);
    const digits = v.length % 2 === 0 ? v.slice(2) : `0${v.slice(2)}`;
    return Uint8Array.from(digits.match(/../g) ?? [], (h) => parseInt(h, 16));
  }

  /** The attribute's value or a MalformedError naming the tag that requires it. */
  static require<T>(value: T | undefined, name: string, tag: string): T {
    if (value === undefined) throw new MalformedError(`${tag} requires ${name}`);
    return value;
  }
}

// ---- Writing -------------------------------------------------------------------------------

/** One attribute for formatAttributeList: undefined values are left out. */
export type AttributeEntry = readonly [name: string, value: string | undefined];

export function formatAttributeList(entries: readonly AttributeEntry[]): string {
  const out: string[] = [];
  for (const [name, value] of entries) if (value !== undefined) out.push(`${name}=${value}`);
  return out.join(',');
}

/** A quoted-string: no double quote, CR or LF inside (RFC 8216 4.2). */
export function quotedString(value: string, what = 'quoted-string'): string {
  if (/["\r\n]/.test(value)) throw new InvalidArgumentError(`${what} contains " or a line break`);
  return `"${value}"`;
}

/** An enumerated-string: no quotes, commas or whitespace (RFC 8216 4.2). */
export function enumeratedString(value: string, what = 'enumerated-string'): string {
  if (value === '' || /["',\s]/.test(value)) {
    throw new InvalidArgumentError(`${what} "${value}" is not a valid enumerated-string`);
  }
  return value;
}

export function decimalInteger(value: number, what = 'decimal-integer'): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${what} ${value} is not a non-negative integer`);
  }
  return String(value);
}

/**
 * A decimal-floating-point with at most `digits` fraction digits, trailing zeros trimmed
 * (4.00000 -> "4", 0.3333349 -> "0.33333"). `signed` allows negative values.
 */
export function decimalFloat(value: number, what = 'decimal', digits = 5, signed = false): string {
  if (!Number.isFinite(value) || (!signed && value < 0) || Math.abs(value) >= 1e15) {
    throw new InvalidArgumentError(`${what} ${value} cannot be written`);
  }
  let text = value.toFixed(digits);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

export function decimalResolution(r: Resolution, what = 'RESOLUTION'): string {
  return `${decimalInteger(r.width, what)}x${decimalInteger(r.height, what)}`;
}

export function hexSequence(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new InvalidArgumentError('empty hexadecimal-sequence');
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function yes(value: boolean | undefined): string | undefined {
  return value === true ? 'YES' : undefined;
}
