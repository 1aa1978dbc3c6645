/**
 * Where the bench is running from. `npm run bench` runs tsc's output in `.bench-build/` (scripts/bench.mjs), and
 * `node --import tsx bench/<area>.ts` runs the sources; both must write results into the repository's own
 * bench/ and docs/, and child processes must be started the way their parent was.
 */
import { existsSync } from 'node:fs';

/** True when this file is TypeScript run through tsx rather than compiled JavaScript. */
export const RUNNING_SOURCES = import.meta.url.endsWith('.ts');

/** Extension of the bench's own modules as they run (`.ts` under tsx, `.js` compiled). */
export const MODULE_EXT = RUNNING_SOURCES ? '.ts' : '.js';

/** The repository root: the nearest ancestor of this file holding a package.json (not `.bench-build/`). */
export const REPO_ROOT: URL = (() => {
  let dir = new URL('../', import.meta.url);
  while (!existsSync(new URL('package.json', dir))) {
    const up = new URL('../', dir);
    if (up.href === dir.href) throw new Error('bench: no package.json above the bench directory');
    dir = up;
  }
  return dir;
})();

/** `rel` (e.g. `'docs/benchmarks.md'`) inside the repository. */
export function repoUrl(rel: string): URL {
  return new URL(rel, REPO_ROOT);
}

/** node arguments that load a bench module the way this process loads them (tsx for sources). */
export function loaderArgs(): string[] {
  return RUNNING_SOURCES ? ['--import', 'tsx'] : [];
}
