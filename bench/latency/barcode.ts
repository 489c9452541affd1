/**
 * The wall-clock barcode the publisher draws into every frame and the page reads back.
 * Pure code (no DOM, no Node): the self-check runs it in Node on frames ffmpeg decoded, the
 * page probe runs the same functions (bundled by esbuild) on a canvas.
 *
 * Layout: two rows of 40 blocks of 16x16 px at the top-left of a >= 640 px wide frame, on the
 * 16x16 macroblock grid so the encoder smears no edges into neighbours.
 *   row 0: W B d35 .. d0 W B    (white = 1)
 *   row 1: B W ~d35 .. ~d0 B W  (the complement)
 * d = capture time in wall-clock ms, modulo 2^36 (795 days; the reader resolves the wrap from
 * its own clock). Every block must be clearly light or dark against the reference blocks and
 * every data block must disagree with its complement, so a misread is rejected, not reported.
 */

export const BLOCK = 16;
export const COLUMNS = 40;
export const DATA_BITS = 36;
export const STRIP_WIDTH = BLOCK * COLUMNS; // 640
export const STRIP_HEIGHT = BLOCK * 2; // 32
export const CODE_MODULUS = 2 ** DATA_BITS;

/** Column of data bit `bit` (0 = least significant): most significant bit first from column 2. */
function columnOfBit(bit: number): number {
  return 2 + (DATA_BITS - 1 - bit);
}

/**
 * The ffmpeg filter chain that draws the barcode from the frame's timestamp `t` (seconds), so
 * the stream must carry wall-clock pts when it runs. Timeline `enable` expressions are evaluated
 * per frame (ffmpeg-filters "Timeline editing"); dividing by a power of two is exact in doubles,
 * so every bit comes from the same floor(t*1000).
 */
export function barcodeFilters(): string[] {
  const box = (col: number, row: number, color: string, enable?: string): string => {
    const at = `x=${String(col * BLOCK)}:y=${String(row * BLOCK)}:w=${String(BLOCK)}:h=${String(BLOCK)}`;
    const when = enable === undefined ? '' : `:enable='${enable}'`;
    return `drawbox=${at}:color=${color}:t=fill${when}`;
  };
  const filters = [
    `drawbox=x=0:y=0:w=${String(STRIP_WIDTH)}:h=${String(STRIP_HEIGHT)}:color=black:t=fill`,
  ];
  for (const col of [0, COLUMNS - 2]) filters.push(box(col, 0, 'white'), box(col + 1, 1, 'white'));
  for (let bit = 0; bit < DATA_BITS; bit++) {
    const value = `mod(floor(t*1000/${String(2 ** bit)}),2)`;
    filters.push(box(columnOfBit(bit), 0, 'white', `eq(${value},1)`));
    filters.push(box(columnOfBit(bit), 1, 'white', `eq(${value},0)`));
  }
  return filters;
}

/** Mean luma of the inner 8x8 pixels of one block of an RGBA image `width` pixels wide. */
function blockLuma(rgba: ArrayLike<number>, width: number, col: number, row: number): number {
  const inset = BLOCK / 4;
  let sum = 0;
  for (let y = row * BLOCK + inset; y < (row + 1) * BLOCK - inset; y++) {
    for (let x = col * BLOCK + inset; x < (col + 1) * BLOCK - inset; x++) {
      const i = (y * width + x) * 4;
      // BT.601 luma weights; the blocks are grey so any weighting would do.
      sum += 0.299 * (rgba[i] ?? 0) + 0.587 * (rgba[i + 1] ?? 0) + 0.114 * (rgba[i + 2] ?? 0);
    }
  }
  const side = BLOCK - 2 * inset;
  return sum / (side * side);
}

/**
 * Reads the 36-bit code from an RGBA image whose top-left STRIP_WIDTH x STRIP_HEIGHT pixels are
 * the strip; null when the references are not clearly apart, a block is ambiguous or a bit does
 * not match its complement.
 */
export function decodeStrip(rgba: ArrayLike<number>, width: number): number | null {
  if (width < STRIP_WIDTH || rgba.length < width * STRIP_HEIGHT * 4) return null;
  const refs = [0, COLUMNS - 2];
  let white = 0;
  let black = 0;
  for (const col of refs) {
    white += blockLuma(rgba, width, col, 0) + blockLuma(rgba, width, col + 1, 1);
    black += blockLuma(rgba, width, col + 1, 0) + blockLuma(rgba, width, col, 1);
  }
  white /= 2 * refs.length;
  black /= 2 * refs.length;
  const range = white - black;
  if (range < 64) return null;
  const middle = (white + black) / 2;
  const margin = range / 4;
  const level = (col: number, row: number): 0 | 1 | null => {
    const luma = blockLuma(rgba, width, col, row);
    if (Math.abs(luma - middle) < margin) return null;
    return luma > middle ? 1 : 0;
  };
  let code = 0;
  for (let bit = DATA_BITS - 1; bit >= 0; bit--) {
    const col = columnOfBit(bit);
    const value = level(col, 0);
    const complement = level(col, 1);
    if (value === null || complement === null || value === complement) return null;
    code = code * 2 + value; // arithmetic, not shifts: the code exceeds 2^31
  }
  return code;
}

/** The wall-clock ms congruent to `code` modulo 2^36 that is closest to `referenceMs`. */
export function resolveCaptureMs(code: number, referenceMs: number): number {
  const base = referenceMs - (((referenceMs % CODE_MODULUS) + CODE_MODULUS) % CODE_MODULUS);
  let best = base + code;
  for (const candidate of [best - CODE_MODULUS, best + CODE_MODULUS]) {
    if (Math.abs(candidate - referenceMs) < Math.abs(best - referenceMs)) best = candidate;
  }
  return best;
}
