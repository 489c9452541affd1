/**
 * The few globals @tidecast/media uses beyond ES2022. Both exist in every browser and in Node
 * (>= 11), so declaring them here keeps `lib: ES2022` honest: no DOM and no Node types leak in.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
