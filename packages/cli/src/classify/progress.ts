import type { Writable } from 'node:stream';

/** Where a run is: rows written, and rows read so far of an input of `bytes` read. */
export interface ProgressState {
  rows: number;
  errors: number;
  /** Input bytes read so far. */
  bytes: number;
  /** Rows read so far (this shard's, resumed ones included). */
  read: number;
  /** The whole input has been read: `read` is the total. */
  readAll: boolean;
  /** Rows a resumed output already had (counted in `rows` and `read`, not in the rate). */
  skipped: number;
}

/**
 * Progress on stderr: rows done of the total, rate and ETA; on a TTY a bar redrawn in place, when
 * piped a plain line every 5 s, so logs stay readable. Until the input has been read to its end the
 * total is an estimate (`~`): rows read so far scaled by the input's size over the bytes read; it
 * is corrected as reading goes on, and exact once the end is reached — no extra pass over the file.
 */
export class Progress {
  private readonly t0 = performance.now();
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly totalBytes: number | null,
    private readonly enabled: boolean,
    /** The command the line names. */
    private readonly command = 'classify',
  ) {
    this.tty = out.isTTY === true;
  }

  update(s: ProgressState): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < (this.tty ? 200 : 5000)) return;
    this.last = now;
    this.out.write(this.tty ? `\r${this.line(s, now)}\u001b[K` : `${this.line(s, now)}\n`);
  }

  finish(s: ProgressState): void {
    if (!this.enabled) return;
    this.out.write(`${this.tty ? '\r' : ''}${this.line(s, performance.now())}${this.tty ? '\u001b[K\n' : '\n'}`);
  }

  /** The total rows: exact once read to the end; else estimated from the bytes read (null if unknown). */
  static total(s: ProgressState, totalBytes: number | null): { rows: number; exact: boolean } | null {
    if (s.readAll) return { rows: s.read, exact: true };
    if (!totalBytes || s.bytes === 0 || s.read === 0) return null;
    return { rows: Math.max(s.read, Math.round((s.read * totalBytes) / s.bytes)), exact: false };
  }

  private line(s: ProgressState, now: number): string {
    const seconds = Math.max(1e-3, (now - this.t0) / 1000);
    const rate = (s.rows - s.skipped) / seconds;
    const total = Progress.total(s, this.totalBytes);
    const n = (v: number) => v.toLocaleString('en-US');
    const parts = [total ? `${n(s.rows)} / ${total.exact ? '' : '~'}${n(total.rows)} rows` : `${n(s.rows)} rows`, `${rate.toFixed(0)} rows/s`];
    if (s.errors) parts.push(`${n(s.errors)} errors`);
    if (total && total.rows > 0) {
      const f = Math.min(1, s.rows / total.rows);
      if (this.tty) {
        const width = 24;
        parts.unshift(`[${'#'.repeat(Math.round(f * width)).padEnd(width, '.')}] ${(100 * f).toFixed(0).padStart(3)}%`);
      } else {
        parts.unshift(`${(100 * f).toFixed(1)}%`);
      }
      const eta = rate > 0 ? (total.rows - s.rows) / rate : NaN;
      if (s.rows < total.rows && Number.isFinite(eta)) parts.push(`ETA ${clock(eta)}`);
    }
    return `${this.command}: ${parts.join('  ')}`;
  }
}

function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
