// The CLI as one CommonJS file (esbuild), so that start-up reads one file and V8 can reuse its
// compiled code from a cache (scripts/build/code-cache.mjs). Commands stay lazily initialized:
// esbuild wraps each dynamically imported module in an init function.
// dist/bundle/ sits two levels below the package root, like dist/spec/, so the
// `new URL('../../schemas/', import.meta.url)` lookups resolve the same.
import { readFileSync, readdirSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * `rollgate:validators`: the Ajv validators precompiled into dist/validators/, bundled in. Each
 * is a getter, so a command initializes only the validator it uses (they are 400 KB together).
 */
const validators = {
  name: 'rollgate-validators',
  setup(b) {
    b.onResolve({ filter: /^rollgate:validators$/ }, () => ({ path: 'validators', namespace: 'rollgate' }));
    b.onLoad({ filter: /.*/, namespace: 'rollgate' }, () => ({
      resolveDir: process.cwd(),
      contents: `module.exports = {\n${readdirSync('dist/validators').filter((f) => f.endsWith('.cjs')).map((f) => `  get ${JSON.stringify(f.replace('.cjs', '.json'))}() { return require('./dist/validators/${f}'); },`).join('\n')}\n};\n`,
      loader: 'js',
    }));
  },
};

/**
 * Node modules that cost 2–5 ms each to load (child_process brings net, dgram and the streams;
 * tty brings net) and that many commands never call: imported through a stand-in whose exports
 * are getters, so the module loads when a name is first used (a hook spawns, a large first read
 * starts its worker, a check hashes its record, a command sets a V8 flag: node:v8 costs 1.4 ms),
 * not when the importing module initializes. Commander's `require('node:child_process')` is one
 * such import: it spawns only for executable subcommands.
 */
const LAZY = ['child_process', 'worker_threads', 'crypto', 'tty', 'v8'];
const lazyBuiltins = {
  name: 'rollgate-lazy-builtins',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(node:)?(${LAZY.join('|')})$`) }, (args) =>
      args.namespace === 'lazy-builtin' ? undefined : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const names = Object.keys(await import(`node:${args.path}`)).filter((n) => n !== 'default');
      const getters = names.map((n) => `  get ${n}() { return load().${n}; },`).join('\n');
      return { contents: `let m;\nconst load = () => (m ??= require('node:${args.path}'));\nmodule.exports = {\n${getters}\n};\n`, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': '__rollgateUrl' },
  banner: { js: "var __rollgateUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [validators, lazyBuiltins],
  legalComments: 'none',
  // Less source to read and hash at every start (~3 ms); identifiers stay, so stack traces read.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/bundle/rollgate.cjs' });
// bin/rollgate.js reads the bundle as Latin-1, which is its text only while it is ASCII (esbuild's
// default charset escapes every other character): a bundle that is not fails the build here.
const nonAscii = readFileSync('dist/bundle/rollgate.cjs').findIndex((b) => b > 0x7f);
if (nonAscii >= 0) throw new Error(`dist/bundle/rollgate.cjs has a non-ASCII byte at offset ${nonAscii}; bin/rollgate.js reads it as Latin-1, so keep esbuild's charset at ascii`);
// The worker thread of a split first read (src/observe/split-read.ts) starts from its own small
// file beside the CLI's, found from the CLI bundle's URL.
await build({ ...common, entryPoints: ['src/observe/scan-worker.ts'], outfile: 'dist/bundle/scan-worker.cjs' });
