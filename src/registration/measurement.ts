/**
 * The code measurement of the trusted component: what SGX calls MRENCLAVE, computed in software. It is a
 * SHA-256 over the source (or built bundle) files of every directory whose code runs on the trusted side or
 * decides what the trusted side does, so a node running modified trusted code reports a different measurement
 * and is refused by the allow-list.
 *
 * Layout hashed (decided here; Secret has no software equivalent):
 * `SHA256("secret-compute/measurement/v1" ‖ for each file in byte order of its '/'-separated path relative to
 * the root: LE32(|path|) ‖ path ‖ LE64(|content|) ‖ content)`. Only `.ts`, `.js`, `.mjs` files count (not
 * maps or declarations), so measuring the source tree and measuring `dist/` give different values: the
 * allow-list must contain the measurement of what the operators actually run.
 *
 * This is honest software attestation, not SGX: the measurement is computed by the same process it measures,
 * so it proves nothing against an operator who edits the measuring code. What it buys is that an authority
 * (which reproduces the build and signs the report) vouches for the pair (registration key, code).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Domain separator of the measurement hash. */
export const MEASUREMENT_DOMAIN = 'secret-compute/measurement/v1';

/**
 * Directories (relative to the package's `src/` or `dist/`) that make up the trusted component: the enclave
 * (contract engine, key hierarchy, io crypto), the crypto primitives it uses, the wasm runtime that executes
 * contracts, the state encryption, and registration/sealing itself.
 */
export const TRUSTED_COMPONENT_DIRS: readonly string[] = [
  'enclave',
  'compute',
  'runtime',
  'state',
  'registration',
];

const MEASURED_EXTENSIONS = ['.ts', '.js', '.mjs'];

/** One file of a measured bundle. */
export interface MeasuredFile {
  /** '/'-separated path relative to the measured root. */
  readonly path: string;
  readonly content: Uint8Array;
}

/** Measurement of an explicit file list (order-independent: files are sorted by path bytes). */
export function measureFiles(files: readonly MeasuredFile[]): Uint8Array {
  const enc = new TextEncoder();
  const sorted = files
    .map((f) => ({ path: enc.encode(f.path), content: f.content }))
    .sort((a, b) => Buffer.compare(a.path, b.path));
  const h = createHash('sha256').update(MEASUREMENT_DOMAIN);
  const n = Buffer.alloc(8);
  for (const f of sorted) {
    n.writeUInt32LE(f.path.length, 0);
    h.update(n.subarray(0, 4)).update(f.path);
    n.writeBigUInt64LE(BigInt(f.content.length), 0);
    h.update(n).update(f.content);
  }
  return new Uint8Array(h.digest());
}

function isMeasured(name: string): boolean {
  if (name.endsWith('.d.ts')) return false;
  return MEASURED_EXTENSIONS.some((ext) => name.endsWith(ext));
}

function collect(root: string, dir: string, out: MeasuredFile[]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) collect(root, full, out);
    else if (e.isFile() && isMeasured(e.name)) {
      out.push({ path: relative(root, full).split(sep).join('/'), content: readFileSync(full) });
    }
  }
}

/** Options of {@link measureTrustedComponent}. */
export interface MeasureOptions {
  /** Root holding the component directories. Default: the directory this package's code runs from (src/ or dist/). */
  readonly root?: string;
  /** Directories under `root` to measure. Default {@link TRUSTED_COMPONENT_DIRS}. */
  readonly dirs?: readonly string[];
}

const cache = new Map<string, Uint8Array>();

/**
 * Measures the trusted component on disk (see the module comment for the layout). Cached per root and
 * directory list for the life of the process: the code a process runs does not change under it.
 */
export function measureTrustedComponent(opts: MeasureOptions = {}): Uint8Array {
  const root = opts.root ?? fileURLToPath(new URL('..', import.meta.url));
  const dirs = opts.dirs ?? TRUSTED_COMPONENT_DIRS;
  const id = `${root}\u0000${dirs.join('\u0000')}`;
  const hit = cache.get(id);
  if (hit !== undefined) return hit.slice();
  const files: MeasuredFile[] = [];
  for (const d of dirs) collect(root, join(root, d), files);
  const m = measureFiles(files);
  cache.set(id, m);
  return m.slice();
}
