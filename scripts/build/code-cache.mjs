// Writes dist/bundle/rollgate.cjs.cache: V8's compiled code after representative commands
// (validating the largest bundled spec: YAML (the `yaml` library, bundled in, reads every spec,
// so its lexer, parser and composer are in the cache), the precompiled schema, the lint, cron; a check on
// a sample state recorded in a fresh store: observation, rules, the engine, the store, the text
// report; and a dry run). A cache per command was tried: it is hardly smaller, and no faster.
// It checks that a fresh start accepts the cache it wrote.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheVerdict } from './cache-accepted.mjs';

const root = mkdtempSync(join(tmpdir(), 'rollgate-code-cache-'));
try {
  cpSync('fixtures/tau-samples/runtime-custom-command-healthy', join(root, '.tau/custom-command'), { recursive: true });
  const workloads = [
    ['validate', 'specs/release.yaml'],
    ['evaluate', 'specs/custom-command.yaml', '--root', root, '--now', '2026-02-16T00:06:00Z'],
    ['evaluate', 'specs/custom-command.yaml', '--root', root, '--now', '2026-02-16T00:11:00Z', '--dry-run'],
  ];
  rmSync('dist/bundle/rollgate.cjs.cache', { force: true });
  const r = spawnSync(process.execPath, ['bin/rollgate.js'], { env: { ...process.env, ROLLGATE_WRITE_CODE_CACHE: JSON.stringify(workloads) }, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) {
    process.stderr.write(`code-cache: the warm-up failed (exit ${r.status}): ${r.stderr}`);
    process.exit(1);
  }
  // A fresh start must accept the cache: V8 rejects one written under other flags (a command
  // that set a V8 flag during the warm-up), silently, and every start then compiles (~40 ms).
  const verdict = cacheVerdict(process.cwd());
  if (verdict !== 'accepted') {
    process.stderr.write(`code-cache: a fresh start does not accept dist/bundle/rollgate.cjs.cache (${verdict}); was a V8 flag set during the warm-up? (src/cli/heap-policy.ts)\n`);
    process.exit(1);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
