/**
 * Side-by-side views of what the chain stores and emits (ciphertext, as every validator sees it) next to what the
 * sender's client decrypts. Shared by `secret-compute inspect` and the demo; pure functions returning lines.
 */
import type { DecryptedTx, TxRecord } from '../chain/index.js';
import { padEnd, type Style, visibleLength } from './style.js';

/** One row of a two-column view. */
export interface SideRow {
  readonly label: string;
  readonly left: string;
  readonly right: string;
}

const LABEL_WIDTH = 10;
/** Lines a single ciphertext cell may take before it is cut (ciphertext is noise; a few lines show its shape). */
const MAX_CELL_LINES = 3;

function hardSplit(word: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i += width) out.push(word.slice(i, i + width));
  return out;
}

/** Greedy word wrap; words longer than a line (base64, hex) are split hard. */
function wrap(text: string, width: number, maxLines = Number.MAX_SAFE_INTEGER): string[] {
  if (width <= 0) return [text];
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (candidate.length <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') out.push(line);
      const pieces = hardSplit(word, width);
      line = pieces.pop() ?? '';
      out.push(...pieces);
    }
    out.push(line);
  }
  if (out.length > maxLines) {
    const kept = out.slice(0, maxLines);
    const last = kept[maxLines - 1]!;
    kept[maxLines - 1] = last.slice(0, Math.max(0, width - 1)) + '…';
    return kept;
  }
  return out;
}

/** Renders rows as `label │ left │ right` with both value columns wrapped to fit `width` columns. */
export function sideBySide(
  title: { left: string; right: string },
  rows: readonly SideRow[],
  style: Style,
  width: number,
): string[] {
  const col = Math.max(16, Math.floor((width - LABEL_WIDTH - 7) / 2));
  const sep = style.dim(' │ ');
  const line = (label: string, l: string, r: string) =>
    `${padEnd(label, LABEL_WIDTH)}${sep}${padEnd(l, col)}${sep}${r}`;
  const out = [
    line('', style.bold(style.red(title.left)), style.bold(style.green(title.right))),
    style.dim(`${'─'.repeat(LABEL_WIDTH)}─┼─${'─'.repeat(col)}─┼─${'─'.repeat(col)}`),
  ];
  for (const row of rows) {
    const l = wrap(row.left, col, MAX_CELL_LINES);
    const r = wrap(row.right, col);
    const n = Math.max(l.length, r.length);
    for (let i = 0; i < n; i++) {
      out.push(line(i === 0 ? style.cyan(row.label) : '', style.red(l[i] ?? ''), style.green(r[i] ?? '')));
    }
  }
  return out;
}

function printable(bytes: Uint8Array): string {
  const s = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return /^[\x20-\x7e\n\t]*$/.test(s) ? s : `base64:${Buffer.from(bytes).toString('base64')}`;
}

function shortType(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
}

/** Header line of a tx. */
export function txHeadline(rec: TxRecord, style: Style, senderName?: string): string {
  const who = senderName === undefined ? rec.sender : `${senderName} (${rec.sender})`;
  const status = rec.code === 0 ? style.green('ok') : style.red(`failed (${rec.codespace}/${rec.code})`);
  return `${style.bold(shortType(rec.typeUrl))} ${style.dim(rec.hash)} by ${who} · height ${rec.height} · gas ${rec.gasUsed || '?'}/${rec.gasWanted} · ${status}`;
}

/** Rows comparing a recorded tx with its decryption (`undefined` = sender's key not available). */
export function txRows(rec: TxRecord, dec: DecryptedTx | undefined): SideRow[] {
  const hidden = '(sender key not in this keyring)';
  const rows: SideRow[] = [];
  if (rec.input !== undefined) {
    const len = Buffer.from(rec.input, 'base64').length;
    rows.push({
      label: 'input',
      left: `${len} bytes: ${rec.input}`,
      right: dec === undefined ? hidden : JSON.stringify(dec.input),
    });
  }
  rec.events.forEach((ev, i) => {
    if (ev.type !== 'wasm' && !ev.type.startsWith('wasm-')) return;
    const plain = dec?.events[i];
    ev.attributes.forEach((a, j) => {
      const p = plain?.attributes[j];
      rows.push({
        label: j === 0 ? ev.type : '',
        left: `${a.key} = ${a.value}`,
        right: p === undefined ? hidden : `${p.key} = ${p.value}`,
      });
    });
  });
  if (rec.data !== undefined) {
    rows.push({
      label: 'data',
      left: rec.data,
      right: dec === undefined ? hidden : dec.data === undefined ? '(none)' : printable(dec.data),
    });
  }
  if (rec.code !== 0) {
    rows.push({ label: 'error', left: rec.log, right: dec?.error ?? hidden });
  }
  return rows;
}

/** Rows of a contract's encrypted storage: what is on disk, and why nobody but the enclave reads it. */
export function stateRows(entries: readonly { key: Uint8Array; value: Uint8Array }[], limit = 8): SideRow[] {
  const rows = entries.slice(0, limit).map((e, i) => ({
    label: i === 0 ? 'state' : '',
    left: `${Buffer.from(e.key).toString('hex')} → ${Buffer.from(e.value).toString('hex')}`,
    right:
      i === 0
        ? "keys and values are AES-SIV encrypted with the contract's key; only the enclave can open them — users read state through encrypted queries"
        : '',
  }));
  if (entries.length > limit)
    rows.push({ label: '', left: `… ${entries.length - limit} more entries`, right: '' });
  return rows;
}

/** Width of the terminal (80 when not a TTY). */
export function terminalWidth(stream: { columns?: number; isTTY?: boolean } = process.stdout): number {
  return stream.isTTY === true && typeof stream.columns === 'number' ? Math.max(80, stream.columns) : 120;
}

/** Rule with a title: `── title ────`. */
export function rule(title: string, style: Style, width: number): string {
  const head = `── ${title} `;
  return style.bold(head) + style.dim('─'.repeat(Math.max(0, width - visibleLength(head))));
}
