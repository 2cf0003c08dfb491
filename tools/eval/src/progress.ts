/** A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise (logs, CI). */
export class Progress {
  private done = 0;
  private readonly startedAt = Date.now();
  private lastLineAt = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.render();
  }

  advance(by = 1): void {
    this.done = Math.min(this.total, this.done + by);
    this.render();
  }

  finish(): void {
    this.done = this.total;
    this.render(true);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private render(final = false): void {
    const now = Date.now();
    if (!this.stream.isTTY && !final && now - this.lastLineAt < 5_000) return;
    this.lastLineAt = now;
    const share = this.total === 0 ? 1 : this.done / this.total;
    const width = 30;
    const filled = Math.round(share * width);
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const line = `${this.label.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${(share * 100).toFixed(0).padStart(3)}% ${rate.toFixed(1)}/s ${final ? `in ${clock(seconds)}` : `eta ${clock(eta)}`}`;
    this.stream.write(this.stream.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
  }
}

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}
