/**
 * A reliability diagram as a standalone SVG (no dependencies, same bytes on every machine): for
 * each panel, one bar per confidence bin whose height is the bin's accuracy, the diagonal of
 * perfect calibration, and the gap to it shaded.
 */
import type { ReliabilityBin } from './calibration/ece.js';

export interface ReliabilityPanel {
  title: string;
  bins: readonly ReliabilityBin[];
  ece: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (x: number) => (Math.round(x * 10) / 10).toString();

/** Panels side by side, each 300 × 300 px of plot, under a caption (what was measured, on which rows). */
export function reliabilitySvg(caption: string, panels: readonly ReliabilityPanel[], xLabel = 'confidence', yLabel = 'accuracy'): string {
  const size = 300;
  const pad = { left: 50, top: 56, right: 20, bottom: 46 };
  const w = panels.length * (pad.left + size + pad.right);
  const h = pad.top + size + pad.bottom;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="13">${esc(caption)}</text>`,
  ];
  panels.forEach((p, k) => {
    const x0 = k * (pad.left + size + pad.right) + pad.left;
    const y0 = pad.top + size;
    const X = (v: number) => x0 + v * size;
    const Y = (v: number) => y0 - v * size;
    parts.push(`<text x="${X(0.5)}" y="${pad.top - 12}" text-anchor="middle" font-weight="bold">${esc(p.title)} — ECE ${p.ece.toFixed(4)}</text>`);
    parts.push(`<rect x="${x0}" y="${pad.top}" width="${size}" height="${size}" fill="none" stroke="#999"/>`);
    for (const b of p.bins) {
      if (!b.count) continue;
      const left = X(b.lo) + 1;
      const width = f(X(b.hi) - X(b.lo) - 2);
      parts.push(`<rect x="${f(left)}" y="${f(Y(b.accuracy))}" width="${width}" height="${f(y0 - Y(b.accuracy))}" fill="#3b6fb6"><title>${b.count} in (${b.lo.toFixed(3)}, ${b.hi.toFixed(3)}]: accuracy ${b.accuracy.toFixed(3)}, mean confidence ${b.confidence.toFixed(3)}</title></rect>`);
      const [top, bottom] = [Math.max(b.accuracy, b.confidence), Math.min(b.accuracy, b.confidence)];
      parts.push(`<rect x="${f(left)}" y="${f(Y(top))}" width="${width}" height="${f(Y(bottom) - Y(top))}" fill="#e0555580" stroke="#c03030" stroke-width="0.5"/>`);
    }
    parts.push(`<line x1="${X(0)}" y1="${Y(0)}" x2="${X(1)}" y2="${Y(1)}" stroke="#333" stroke-dasharray="4 3"/>`);
    for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
      parts.push(`<text x="${f(X(t))}" y="${y0 + 16}" text-anchor="middle">${t}</text>`);
      parts.push(`<text x="${x0 - 6}" y="${f(Y(t) + 4)}" text-anchor="end">${t}</text>`);
    }
    parts.push(`<text x="${X(0.5)}" y="${y0 + 34}" text-anchor="middle">${esc(xLabel)}</text>`);
    parts.push(`<text x="${x0 - 36}" y="${Y(0.5)}" text-anchor="middle" transform="rotate(-90 ${x0 - 36} ${Y(0.5)})">${esc(yLabel)}</text>`);
  });
  parts.push(`<text x="${w - 8}" y="${h - 6}" text-anchor="end" fill="#666" font-size="10">bars: accuracy per bin; red: gap to the diagonal (perfect calibration)</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
