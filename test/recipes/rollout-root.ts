/**
 * What the recipes (action.yml, docs/ci/) run against: a scratch copy of a deployment
 * directory, the `/srv/rollouts` of the recipes, with the repository's specs/, the hook script
 * the specs call, and the producers' state directories from fixtures/tau-samples/.
 */
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The instant the fixtures' state.json files were written (health.updated_unix_ms). */
export const FIXTURE_WRITTEN = Date.parse('2026-02-16T00:05:00Z');

const SURFACES: Record<string, string> = {
  'custom-command': 'runtime-custom-command-healthy',
  dashboard: 'runtime-dashboard-healthy',
};

/**
 * `fresh`: the state files say they were written a minute ago, so a check on the clock finds
 * every gate passing (wait, exit 0); `stale`: the fixtures as they are, hours old, so a check on
 * the clock holds on stale state (exit 1); a number: written at that instant (unix ms).
 */
export function rolloutRoot(state: 'fresh' | 'stale' | number, root = tempDir('recipe-root')): string {
  cpSync(join(ROOT, 'specs'), join(root, 'specs'), { recursive: true });
  mkdirSync(join(root, 'scripts/demo'), { recursive: true });
  cpSync(join(ROOT, 'scripts/demo/set-weight.sh'), join(root, 'scripts/demo/set-weight.sh'));
  for (const [surface, fixture] of Object.entries(SURFACES)) {
    const dir = join(root, '.tau', surface);
    cpSync(join(ROOT, 'fixtures/tau-samples', fixture), dir, { recursive: true });
    if (state === 'stale') continue;
    const file = join(dir, 'state.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { health: { updated_unix_ms: number } };
    json.health.updated_unix_ms = state === 'fresh' ? Date.now() - 60_000 : state;
    writeFileSync(file, JSON.stringify(json, null, 2));
  }
  return root;
}

/** A directory holding an executable `rollgate` that runs this checkout's CLI (what `npm install -g` puts on PATH). */
export function rollgateShim(): string {
  const dir = tempDir('recipe-bin');
  const file = join(dir, 'rollgate');
  writeFileSync(file, `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'bin/rollgate.js')}' "$@"\n`);
  chmodSync(file, 0o755);
  return dir;
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

/**
 * A strict reader of the XML rollgate writes (elements, attributes, text, comments, CDATA, the
 * five entities and character references): throws at the first thing that is not well formed.
 */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`XML line ${line}: ${why}: ${JSON.stringify(text.slice(i, i + 60))}`);
  };
  const checkText = (s: string) => {
    const bad = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(s);
    if (bad) fail('a bare `&`');
  };
  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(text.slice(i))![0];
      i += ws.length;
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        if (end < 0) fail('an unclosed comment');
        i = end + 3;
      } else return;
    }
  };
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) fail('an unclosed XML declaration');
    i = end + 2;
  }
  skipMisc();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const NAME = '[A-Za-z_][\\w.:-]*';
  const START = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
  while (i < text.length) {
    if (stack.length === 0 && root) {
      skipMisc();
      if (i < text.length) fail('content after the root element');
      break;
    }
    if (text.startsWith('<!--', i)) {
      skipMisc();
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      if (end < 0) fail('an unclosed CDATA section');
      i = end + 3;
    } else if (text.startsWith('</', i)) {
      const m = new RegExp(`^</(${NAME})\\s*>`).exec(text.slice(i));
      if (!m) fail('a malformed end tag');
      const open = stack.pop();
      if (!open || open.name !== m![1]) fail(`</${m![1]}> closes <${open?.name ?? 'nothing'}>`);
      i += m![0].length;
    } else if (text[i] === '<') {
      const m = START.exec(text.slice(i));
      if (!m) fail('a malformed start tag');
      const attributes: Record<string, string> = {};
      for (const a of m![2]!.matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g'))) {
        if (a[1]! in attributes) fail(`attribute ${a[1]} twice`);
        const value = a[2] ?? a[3] ?? '';
        checkText(value);
        attributes[a[1]!] = value;
      }
      const element: XmlElement = { name: m![1]!, attributes, children: [] };
      if (stack.length) stack[stack.length - 1]!.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      i += m![0].length;
      if (m![3] !== '/') stack.push(element);
    } else {
      const end = text.indexOf('<', i);
      const chunk = text.slice(i, end < 0 ? text.length : end);
      if (stack.length === 0) fail('text outside the root element');
      checkText(chunk);
      i += chunk.length;
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) fail('no root element');
  return root!;
}
