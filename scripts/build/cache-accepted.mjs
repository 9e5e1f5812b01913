// Whether a fresh `node` (default flags, as a user starts rollgate) accepts the built code cache
// for the bundle, both read as bin/rollgate.js reads them. V8 rejects, silently, a cache written
// under other flags, and every start then compiles the code it needs (~40 ms).
import { spawnSync } from 'node:child_process';

const PROBE = `
const { readFileSync } = require('node:fs');
const { Module } = require('node:module');
const { Script } = require('node:vm');
const file = require('node:path').resolve(process.argv[1], 'dist/bundle/rollgate.cjs');
const script = new Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, cachedData: readFileSync(file + '.cache') });
console.log(script.cachedDataRejected ? 'rejected' : 'accepted');
`;

/** 'accepted', 'rejected', or what went wrong reading them. */
export function cacheVerdict(root) {
  const r = spawnSync(process.execPath, ['-e', PROBE, root], { encoding: 'utf8' });
  return r.stdout.trim() || r.stderr.trim() || `exit ${r.status}`;
}
