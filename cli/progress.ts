/**
 * A progress bar on stderr, so stdout stays clean for `--json` and pipes. On a terminal it redraws one line in place;
 * elsewhere (CI logs, redirected stderr) it writes a line only when the phase changes, never a stream of `\r`s.
 */

export interface ProgressStream {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const BAR_WIDTH = 24;

export class ProgressBar {
  private done = 0;
  private phase = '';
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private total: number,
    private readonly unit: string,
  ) {}

  setTotal(total: number): void {
    this.total = total;
    this.render();
  }

  /** A new phase of the run (principals, accounts, connections): always announced, even off a terminal. */
  setPhase(phase: string): void {
    if (phase === this.phase) return;
    this.phase = phase;
    if (this.stream.isTTY === true) this.render();
    else this.stream.write(`${phase}...\n`);
  }

  advance(by = 1): void {
    this.done = Math.min(this.total, this.done + by);
    this.render();
  }

  /** Completes the bar and leaves the cursor on a fresh line. */
  finish(summary: string): void {
    this.done = this.total;
    this.render();
    if (this.stream.isTTY === true && this.drawn) this.stream.write('\n');
    this.stream.write(`${summary}\n`);
  }

  /** The bar's text, for the terminal line (exposed for tests). */
  line(): string {
    const ratio = this.total === 0 ? 1 : this.done / this.total;
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const text = `${bar} ${String(Math.round(ratio * 100)).padStart(3)}% ${this.done}/${this.total} ${this.unit}${this.phase ? `  ${this.phase}` : ''}`;
    // Some pseudo-terminals report 0 columns: fall back to the classic width rather than print nothing.
    const width = this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 80;
    return text.length < width ? text : text.slice(0, Math.max(0, width - 1));
  }

  private render(): void {
    if (this.stream.isTTY !== true) return;
    // Carriage return plus "erase to end of line": a shorter line never leaves the tail of a longer one.
    this.stream.write(`\r${this.line()}\x1b[K`);
    this.drawn = true;
  }
}
