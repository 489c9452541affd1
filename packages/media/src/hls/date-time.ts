import { InvalidArgumentError, MalformedError } from '../errors.js';

/**
 * EXT-X-PROGRAM-DATE-TIME values (RFC 8216 4.3.2.6): ISO 8601 / RFC 3339 date-times with a
 * time zone. Parsed by hand rather than with Date.parse, whose accepted formats beyond the ES
 * subset are implementation-defined: ffmpeg writes `+0000` offsets, which that subset lacks.
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `2024-05-01T12:00:00.123Z`, `...+02:00`, `...+0200`; fractions past milliseconds are cut. */
export function parseDateTime(text: string): Date {
  const m = DATE_TIME.exec(text);
  if (m === null) throw new MalformedError(`"${text}" is not an ISO 8601 date-time with zone`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 60 // a leap second (60) becomes the first moment of the next minute
  ) {
    throw new MalformedError(`"${text}" is not a valid date-time`);
  }
  const millis = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  let zoneMinutes = 0;
  if (m[8] === undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11] ?? '0');
    if (hours > 23 || minutes > 59) throw new MalformedError(`"${text}": bad zone offset`);
    zoneMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, Math.min(second, 59), millis));
  date.setUTCFullYear(year);
  const leap = second === 60 ? 1000 : 0;
  return new Date(date.getTime() + leap - zoneMinutes * 60_000);
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`: milliseconds and UTC, what players expect. */
export function formatDateTime(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) {
    throw new InvalidArgumentError(`program date-time ${String(date)} cannot be written`);
  }
  return date.toISOString();
}
