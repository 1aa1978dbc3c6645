// Fails if regenerating the protobuf code changes anything under src/proto (cosmjs-types' build.yml check).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const GENERATED = 'src/proto';

function list(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...list(p));
    else out.push(p);
  }
  return out;
}

const before = mkdtempSync(join(tmpdir(), 'proto-check-'));
cpSync(GENERATED, before, { recursive: true });
try {
  execFileSync('npx', ['--no-install', 'buf', 'generate'], { stdio: 'inherit' });
  const a = list(before).map((p) => relative(before, p));
  const b = list(GENERATED).map((p) => relative(GENERATED, p));
  const problems = [];
  for (const f of new Set([...a, ...b])) {
    if (!a.includes(f)) problems.push(`new file after regeneration: ${f}`);
    else if (!b.includes(f)) problems.push(`file vanished after regeneration: ${f}`);
    else if (!readFileSync(join(before, f)).equals(readFileSync(join(GENERATED, f))))
      problems.push(`regeneration changed: ${f}`);
  }
  if (problems.length > 0) {
    console.error(`generated code is stale or hand-edited (run \`npm run proto\` and commit):\n  ${problems.join('\n  ')}`);
    cpSync(before, GENERATED, { recursive: true });
    process.exit(1);
  }
  console.log(`proto:check: ${a.length} generated files match a fresh \`buf generate\``);
} finally {
  rmSync(before, { recursive: true, force: true });
}
