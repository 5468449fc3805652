import type { Writable } from 'node:stream';

/**
 * Progress on stderr: on a TTY a bar redrawn in place (percent of input bytes when the size is known,
 * rows, rate, ETA); when piped, a plain line every 5 s, so logs stay readable.
 */
export class Progress {
  private readonly t0 = performance.now();
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly totalBytes: number | null,
    private readonly enabled: boolean,
  ) {
    this.tty = out.isTTY === true;
  }

  update(rows: number, errors: number, bytes: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < (this.tty ? 200 : 5000)) return;
    this.last = now;
    this.out.write(this.tty ? `\r${this.line(rows, errors, bytes, now)}\u001b[K` : `${this.line(rows, errors, bytes, now)}\n`);
  }

  finish(rows: number, errors: number, bytes: number): void {
    if (!this.enabled) return;
    this.out.write(`${this.tty ? '\r' : ''}${this.line(rows, errors, this.totalBytes ?? bytes, performance.now())}${this.tty ? '\u001b[K\n' : '\n'}`);
  }

  private line(rows: number, errors: number, bytes: number, now: number): string {
    const seconds = Math.max(1e-3, (now - this.t0) / 1000);
    const rate = rows / seconds;
    const parts = [`${rows.toLocaleString('en-US')} rows`, `${rate.toFixed(0)} rows/s`];
    if (errors) parts.push(`${errors} errors`);
    if (this.totalBytes) {
      const f = Math.min(1, bytes / this.totalBytes);
      const eta = f > 0 ? (seconds / f) * (1 - f) : NaN;
      if (this.tty) {
        const width = 24;
        parts.unshift(`[${'#'.repeat(Math.round(f * width)).padEnd(width, '.')}] ${(100 * f).toFixed(0).padStart(3)}%`);
      } else {
        parts.unshift(`${(100 * f).toFixed(1)}%`);
      }
      if (f < 1 && Number.isFinite(eta)) parts.push(`ETA ${clock(eta)}`);
    }
    return `classify: ${parts.join('  ')}`;
  }
}

function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
