/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per source area.
 * Usage: `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=25]`. Used for the profile sections of
 * bench/analysis.md (see bench/token.ts `profile` mode).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the project (or the platform) a frame belongs to. */
export function areaOf(url: string, fn: string): string {
  if (url === '') {
    if (fn.startsWith('(')) return fn; // (garbage collector), (program), (idle)
    if (/^(\$|wasm-function|js-to-wasm|wasm-to-js)/.test(fn) || /^\d+$/.test(fn))
      return 'wasm (contract code)';
    return 'native/builtin';
  }
  const m = /\/src\/([a-z-]+)\//.exec(url);
  if (m !== null) return `src/${m[1]!}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm !== null) return nm[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/') || url.includes('/test/')) return 'bench driver';
  return url;
}

export function summarize(path: string, top = 25): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  let total = 0;
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const file = url.replace(/^.*\/(src|node_modules|bench|test)\//, '$1/');
    // native frames (no url) are named after their JS caller, e.g. `run ← verifyOneShot`
    const caller =
      url === '' && !functionName.startsWith('(') ? parent.get(id)?.callFrame.functionName : undefined;
    const name = `${functionName || '(anonymous)'}${caller ? ` ← ${caller}` : ''}`;
    const key = `${name} ${file === '' ? '' : `${file}:${lineNumber + 1}`}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const a = areaOf(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const pct = (us: number): string => ((100 * us) / total).toFixed(1);
  const lines = [
    `total sampled (non-idle) ${(total / 1e6).toFixed(2)} s`,
    '',
    '| area | self % |',
    '|---|---:|',
  ];
  for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, 14))
    lines.push(`| ${a} | ${pct(us)} |`);
  lines.push('', '| function | self % |', '|---|---:|');
  for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top))
    lines.push(`| \`${f}\` | ${pct(us)} |`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  console.log(summarize(process.argv[2]!, Number(process.argv[3] ?? '25')));
}
