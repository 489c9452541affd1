export * from './errors.js';
export * from './types.js';
export { ByteReader } from './io/byte-reader.js';
export { ByteWriter } from './io/byte-writer.js';
export { BitReader, unescapeRbsp } from './io/bit-reader.js';
export { ChunkQueue } from './io/chunk-queue.js';
export { crc32Mpeg2 } from './io/crc32.js';
