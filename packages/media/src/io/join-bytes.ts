/** The first `count` bytes of `parts` as one array (a view when the first part has them all). */
export function joinPrefix(parts: readonly Uint8Array[], count: number): Uint8Array {
  const first = parts[0];
  if (first !== undefined && first.length >= count) return first.subarray(0, count);
  const out = new Uint8Array(count);
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.length, count - at);
    out.set(p.subarray(0, take), at);
    at += take;
    if (at === count) break;
  }
  return out;
}
