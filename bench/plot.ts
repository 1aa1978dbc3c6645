/**
 * Hand-written SVG line chart (no plotting dependency): per-call µs against stored keys on a log x axis.
 * Used by bench/index.ts for docs/state-scaling.svg.
 */

/** One line of the chart. */
export interface PlotSeries {
  name: string;
  points: readonly (readonly [x: number, y: number])[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** "Nice" upper bound for a linear axis. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Renders the series as an SVG document (log10 x axis, linear y axis from 0). */
export function scalingSvg(
  series: readonly PlotSeries[],
  opts: { title: string; xLabel: string; yLabel: string; width?: number; height?: number },
): string {
  const W = opts.width ?? 760;
  const H = opts.height ?? 420;
  const m = { l: 70, r: 20, t: 40, b: 110 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xs = series.flatMap((s) => s.points.map((p) => p[0])).filter((x) => x > 0);
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const x0 = xs.length === 0 ? 0 : Math.floor(Math.log10(Math.min(...xs)));
  const x1 = Math.max(x0 + 1, xs.length === 0 ? 1 : Math.ceil(Math.log10(Math.max(...xs))));
  const yMax = niceMax(Math.max(...ys, 1) * 1.05);
  const px = (x: number): number => m.l + ((Math.log10(x) - x0) / (x1 - x0)) * pw;
  const py = (y: number): number => m.t + ph - (y / yMax) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`,
  ];
  for (let e = x0; e <= x1; e++) {
    const x = px(10 ** e);
    out.push(
      `<line x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ph}" stroke="#ddd"/>`,
      `<text x="${x}" y="${m.t + ph + 16}" text-anchor="middle">10<tspan dy="-5" font-size="9">${e}</tspan></text>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    const y = py(v);
    out.push(
      `<line x1="${m.l}" y1="${y}" x2="${m.l + pw}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${Number(v.toPrecision(3)).toLocaleString('en-US')}</text>`,
    );
  }
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${m.l + pw / 2}" y="${m.t + ph + 36}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => p[0] > 0).map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3.5" fill="${c}"><title>${esc(s.name)}: ${p[0].toLocaleString('en-US')} keys, ${p[1].toFixed(1)} µs</title></circle>`,
      );
    }
    const ly = m.t + ph + 56 + i * 17;
    out.push(
      `<line x1="${m.l}" y1="${ly - 4}" x2="${m.l + 24}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${m.l + 30}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
