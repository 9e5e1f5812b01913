#!/usr/bin/env node
// Launcher. The CLI is one bundled file (dist/bundle/rollgate.cjs, built by `npm run build`,
// run by `npm ci` through `prepare`). It is run through V8's code cache written at build time
// (dist/bundle/rollgate.cjs.cache): start-up then skips parsing and compiling most of the code
// a command needs. A missing or stale cache (another Node version) only costs that time back.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

// `rollgate … | head` closes our stdout early: stop quietly, as other command-line tools do.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const file = fileURLToPath(new URL('../dist/bundle/rollgate.cjs', import.meta.url));
const cacheFile = `${file}.cache`;
let source;
try {
  source = readFileSync(file, 'utf8');
} catch {
  process.stderr.write('rollgate: not built yet; run `npm run build` (or `npm ci`) in the rollgate folder first\n');
  process.exit(70);
}
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new Script(Module.wrap(source), { filename: file, cachedData });
const run = () => {
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports.done;
};
if (process.env.ROLLGATE_WRITE_CODE_CACHE) {
  // The build's warm-up (scripts/build/code-cache.mjs): run each representative command in turn
  // (they share the script's compiled functions), then save what V8 compiled.
  for (const argv of JSON.parse(process.env.ROLLGATE_WRITE_CODE_CACHE)) {
    process.argv = [process.argv[0], process.argv[1], ...argv];
    await run();
  }
  writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
  renameSync(`${cacheFile}.tmp`, cacheFile);
} else {
  run();
}
