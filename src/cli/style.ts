/**
 * Terminal styling for the CLI and the demo: colour only when the stream is a TTY and `NO_COLOR` is unset
 * (https://no-color.org), progress lines only on a TTY stderr, never mixed into stdout data.
 */

/** ANSI styles that collapse to plain text when colour is off. */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
}

/** True when `stream` should get colour. */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** A style for output going to `stream`. */
export function createStyle(enabled: boolean): Style {
  const wrap =
    (open: number, close: number) =>
    (s: string): string =>
      enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    magenta: wrap(35, 39),
    cyan: wrap(36, 39),
  };
}

/** Visible width of a string (ANSI escapes removed). */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Pads `s` with spaces to visible width `width`. */
export function padEnd(s: string, width: number): string {
  const n = visibleLength(s);
  return n >= width ? s : s + ' '.repeat(width - n);
}

/** Progress for long work: one transient status line on a TTY stderr; silent otherwise. */
export class Progress {
  private active = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  /** Shows `what…` until {@link done}. */
  start(what: string): void {
    if (this.stream.isTTY !== true) return;
    this.stream.write(`\r\u001b[2K${what}…`);
    this.active = true;
  }

  /** Clears the status line. */
  done(): void {
    if (!this.active) return;
    this.stream.write('\r\u001b[2K');
    this.active = false;
  }

  /** Runs `fn` with a status line shown. */
  async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.start(what);
    try {
      return await fn();
    } finally {
      this.done();
    }
  }
}
