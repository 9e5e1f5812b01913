// Writes dist/bundle/rollgate.cjs.cache: V8's compiled code after a representative run
// (validating the largest bundled spec touches YAML, the precompiled schema, the lint, cron).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist/bundle/rollgate.cjs.cache', { force: true });
const r = spawnSync(process.execPath, ['bin/rollgate.js', 'validate', 'specs/release.yaml'], { env: { ...process.env, ROLLGATE_WRITE_CODE_CACHE: '1' }, encoding: 'utf8' });
if (r.status !== 0) {
  process.stderr.write(`code-cache: the warm-up run failed (exit ${r.status}): ${r.stderr}`);
  process.exit(1);
}
