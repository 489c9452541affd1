import fc from 'fast-check';
import { expect } from 'vitest';
import { MediaError } from '../errors.js';

/** Runs `fn`; anything it throws must be a MediaError. */
export function onlyMediaError(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MediaError);
  }
}

/**
 * The fuzz harness of the house rule "random, truncated and mutated input only yields
 * MediaError": `check` runs on each generated input and may assert on what a parser returned;
 * anything it throws must be a MediaError (a failed assertion is not, so it fails the test).
 */
export function expectOnlyMediaError<T>(
  inputs: fc.Arbitrary<T>,
  check: (input: T) => void,
  numRuns = 2000,
): void {
  fc.assert(
    fc.property(inputs, (input) => onlyMediaError(() => check(input))),
    { numRuns },
  );
}

/**
 * One of `samples` with one byte replaced by a random value, at index `from` or later (to keep
 * a NAL unit header intact, say).
 */
export function mutatedBytes(samples: readonly Uint8Array[], from = 0): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.nat(), fc.integer({ min: 0, max: 255 }))
    .map(([sample, i, b]) => {
      const copy = sample.slice();
      copy[from + (i % (copy.length - from))] = b;
      return copy;
    });
}

/** The MediaError `fn` throws; fails the test when it returns or throws anything else. */
export function thrownMediaError(fn: () => unknown): MediaError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MediaError);
    return e as MediaError;
  }
  throw new Error('expected a throw');
}
