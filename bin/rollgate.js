#!/usr/bin/env node
// Launcher. CommonJS (bin/package.json says so): Node's CommonJS loader starts a file ~2 ms
// sooner than its ES-module loader, and start-up is most of a check's time.
// The CLI is one bundled file (dist/bundle/rollgate.cjs, built by `npm run build`, run by
// `npm ci` through `prepare`). It is run through V8's code cache written at build time
// (dist/bundle/rollgate.cjs.cache): start-up then skips parsing and compiling most of the code
// a command needs. A missing or stale cache (another Node version) only costs that time back.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

// `rollgate … | head` closes our stdout early: stop quietly, as other command-line tools do.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const file = join(__dirname, '../dist/bundle/rollgate.cjs');
const cacheFile = `${file}.cache`;
let source;
try {
  // The bundle is ASCII (esbuild escapes every other character; the build checks): read as
  // Latin-1 it is the same text, copied instead of decoded (~3 ms of every start).
  source = readFileSync(file, 'latin1');
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

/**
 * The build's warm-up (scripts/build/code-cache.mjs): run each representative command in turn
 * (they share the script's compiled functions), then save what V8 compiled.
 */
async function writeCodeCache(workloads) {
  for (const argv of workloads) {
    process.argv = [process.argv[0], process.argv[1], ...argv];
    await run();
  }
  writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
  renameSync(`${cacheFile}.tmp`, cacheFile);
}

if (process.env.ROLLGATE_WRITE_CODE_CACHE) {
  writeCodeCache(JSON.parse(process.env.ROLLGATE_WRITE_CODE_CACHE)).catch((err) => {
    process.stderr.write(`code-cache warm-up failed: ${err.stack}\n`);
    process.exit(70);
  });
} else {
  // A finished command exits at once, once what it wrote has reached stdout and stderr: left to
  // wind down on its own, Node first frees the whole heap (a wide check's record: ~10 ms).
  run().then(() => process.stdout.write('', () => process.stderr.write('', () => process.exit())));
}
