#!/usr/bin/env node
/**
 * The folder-to-folder import graph of src/, and the two rules the layout rests on
 * (docs/architecture.md):
 *   1. no cycle between folders;
 *   2. engine/ and rules/ are pure: nothing they import, however indirectly, touches the clock,
 *      files, processes, the network or the environment.
 *
 *   node scripts/import-graph.mjs [--json]     prints the graph; exits 1 when a rule is broken
 *
 * Imports are read from the source text (static `import`/`export … from` and `import('…')`).
 * Type-only imports count for cycles (a type is a dependency of meaning) but not for purity
 * (they are erased at build time). A module is impure when it imports a Node built-in or a
 * package not listed in PURE_PACKAGES, or names `process`, `Date.now`, `new Date()` without an
 * argument, `Math.random`, `performance`, a timer, `fetch` or `require` outside comments.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const PURE_FOLDERS = ['engine', 'rules'];
/** Packages whose functions are pure given their arguments (cron-parser: the instant is passed in). */
const PURE_PACKAGES = new Set(['cron-parser']);
const IMPURE_NAMES = [
  [/\bprocess\s*[.[]/, 'process'],
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew Date\(\s*\)/, 'new Date()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bperformance\s*\./, 'performance'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, 'a timer'],
  [/\bfetch\s*\(/, 'fetch()'],
  [/\brequire\s*\(/, 'require()'],
];

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Source without comments and string contents (so a word in a message is not a use). */
function codeOnly(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

function importsOf(text) {
  const found = [];
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const m of stripped.matchAll(statement)) {
    const names = m[3] ?? '';
    // `import { type A, type B }` is as erased as `import type { A, B }`.
    const allTypes = m[2] !== undefined || (/^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type')));
    found.push({ spec: m[4], typeOnly: allTypes });
  }
  for (const m of stripped.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push({ spec: m[1], typeOnly: false });
  for (const m of stripped.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1], typeOnly: false });
  return found;
}

const folderOf = (file) => {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? '(root)' : rel[0];
};

export function analyze() {
  const files = walk(SRC);
  const modules = new Map();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const code = codeOnly(text);
    const local = [];
    const external = [];
    for (const imp of importsOf(text)) {
      if (imp.spec.startsWith('.')) local.push({ file: resolve(dirname(file), imp.spec.replace(/\.js$/, '.ts')), typeOnly: imp.typeOnly });
      else external.push(imp);
    }
    const impurities = [];
    for (const imp of external) {
      if (imp.typeOnly) continue;
      const pkg = imp.spec.startsWith('@') ? imp.spec.split('/').slice(0, 2).join('/') : imp.spec.split('/')[0];
      if (!PURE_PACKAGES.has(pkg)) impurities.push(`imports ${imp.spec}`);
    }
    for (const [pattern, what] of IMPURE_NAMES) if (pattern.test(code)) impurities.push(`uses ${what}`);
    modules.set(file, { file, folder: folderOf(file), local, impurities });
  }

  const edges = new Map();
  const missing = [];
  for (const m of modules.values()) {
    for (const imp of m.local) {
      const target = modules.get(imp.file);
      if (!target) {
        missing.push(`${relative(ROOT, m.file)} imports ${relative(ROOT, imp.file)}, which does not exist`);
        continue;
      }
      if (target.folder === m.folder) continue;
      const key = `${m.folder}\u0000${target.folder}`;
      const edge = edges.get(key) ?? { from: m.folder, to: target.folder, count: 0, examples: [] };
      edge.count++;
      if (edge.examples.length < 3) edge.examples.push(`${relative(SRC, m.file)} -> ${relative(SRC, target.file)}`);
      edges.set(key, edge);
    }
  }

  const folders = [...new Set([...modules.values()].map((m) => m.folder))].sort();
  const cycles = stronglyConnected(folders, [...edges.values()]).filter((c) => c.length > 1);

  // Purity: follow value imports from every engine/ and rules/ module.
  const impure = [];
  for (const m of modules.values()) {
    if (!PURE_FOLDERS.includes(m.folder)) continue;
    const seen = new Map([[m.file, null]]);
    const queue = [m.file];
    while (queue.length > 0) {
      const at = modules.get(queue.shift());
      if (!at) continue;
      if (at.impurities.length > 0) {
        const chain = [];
        for (let f = at.file; f !== null; f = seen.get(f)) chain.unshift(relative(SRC, f));
        impure.push(`${relative(SRC, m.file)}: ${chain.join(' -> ')} ${at.impurities.join(', ')}`);
        break;
      }
      for (const imp of at.local) {
        if (imp.typeOnly || seen.has(imp.file)) continue;
        seen.set(imp.file, at.file);
        queue.push(imp.file);
      }
    }
  }
  return { folders: topological(folders, [...edges.values()]), edges: [...edges.values()], cycles, impure, missing };
}

/** Tarjan's strongly connected components. */
function stronglyConnected(nodes, edges) {
  const next = new Map(nodes.map((n) => [n, []]));
  for (const e of edges) next.get(e.from).push(e.to);
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

/** Folders in data-flow order: every folder after the folders it imports (ties by name). */
function topological(nodes, edges) {
  const deps = new Map(nodes.map((n) => [n, new Set()]));
  for (const e of edges) deps.get(e.from).add(e.to);
  const out = [];
  const placed = new Set();
  while (out.length < nodes.length) {
    const ready = nodes.filter((n) => !placed.has(n) && [...deps.get(n)].every((d) => placed.has(d) || d === n));
    const pick = ready.length > 0 ? ready : nodes.filter((n) => !placed.has(n)); // a cycle: place the rest as they are
    for (const n of ready.length > 0 ? ready : pick) {
      placed.add(n);
      out.push(n);
    }
  }
  return out;
}

function main() {
  const result = analyze();
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    process.stdout.write('src/ folders in data-flow order, each with the folders it imports (import count):\n');
    for (const folder of result.folders) {
      const out = result.edges.filter((e) => e.from === folder).sort((a, b) => result.folders.indexOf(a.to) - result.folders.indexOf(b.to));
      process.stdout.write(`  ${folder.padEnd(10)} -> ${out.length === 0 ? '(nothing)' : out.map((e) => `${e.to} (${e.count})`).join(', ')}\n`);
    }
  }
  const problems = [
    ...result.missing,
    ...result.cycles.map((c) => {
      const inCycle = result.edges.filter((e) => c.includes(e.from) && c.includes(e.to));
      return `folder cycle: ${c.join(', ')}\n${inCycle.map((e) => `    ${e.from} -> ${e.to}: ${e.examples.join('; ')}`).join('\n')}`;
    }),
    ...result.impure.map((p) => `impure import into a pure folder: ${p}`),
  ];
  if (problems.length > 0) {
    process.stderr.write(`\nimport-graph: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else if (!process.argv.includes('--json')) {
    process.stdout.write('no folder cycle; engine/ and rules/ import nothing impure\n');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
