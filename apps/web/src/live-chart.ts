/**
 * Small live line charts on a canvas: a time window of samples (the last 60 s by default) drawn
 * as a line with its latest and peak values. The series is plain data, so it is unit-tested.
 */

export interface Sample {
  t: number;
  v: number;
}

/** Samples inside a sliding time window, oldest first. */
export class SampleSeries {
  private readonly samples: Sample[] = [];

  constructor(readonly windowMs = 60_000) {}

  push(t: number, v: number): void {
    if (!Number.isFinite(v)) return;
    this.samples.push({ t, v });
    const from = t - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && (this.samples[drop]?.t ?? t) < from) drop++;
    if (drop > 0) this.samples.splice(0, drop);
  }

  clear(): void {
    this.samples.length = 0;
  }

  values(): readonly Sample[] {
    return this.samples;
  }

  latest(): number | undefined {
    return this.samples[this.samples.length - 1]?.v;
  }

  max(): number {
    let max = 0;
    for (const s of this.samples) if (s.v > max) max = s.v;
    return max;
  }
}

export interface ChartStyle {
  color: string;
  unit: string;
}

/** Round the y range up to 1, 2 or 5 × 10^n so the scale does not jitter with every sample. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function drawChart(
  canvas: HTMLCanvasElement,
  series: SampleSeries,
  style: ChartStyle,
  now: number,
): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  // Draw at device resolution so lines stay sharp on HiDPI screens.
  const ratio = globalThis.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  ctx.clearRect(0, 0, width, height);
  const top = series.max();
  const yMax = niceCeiling(top);
  const pad = 14 * ratio;
  const x = (t: number): number => ((t - (now - series.windowMs)) / series.windowMs) * width;
  const y = (v: number): number => height - ((height - pad) * v) / yMax;

  ctx.strokeStyle = '#e3e7ee';
  ctx.lineWidth = ratio;
  ctx.beginPath();
  ctx.moveTo(0, y(yMax / 2));
  ctx.lineTo(width, y(yMax / 2));
  ctx.stroke();

  ctx.strokeStyle = style.color;
  ctx.lineWidth = 1.5 * ratio;
  ctx.beginPath();
  series
    .values()
    .forEach((s, i) => (i === 0 ? ctx.moveTo(x(s.t), y(s.v)) : ctx.lineTo(x(s.t), y(s.v))));
  ctx.stroke();

  ctx.fillStyle = '#5a6478';
  ctx.font = `${10 * ratio}px ui-monospace, monospace`;
  ctx.textBaseline = 'top';
  const latest = series.latest();
  const label =
    latest === undefined
      ? 'no data'
      : `now ${Math.round(latest)} ${style.unit} · max ${Math.round(top)}`;
  ctx.fillText(label, 2 * ratio, 1 * ratio);
}
