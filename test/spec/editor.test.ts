/**
 * What an editor shows for a spec: yaml-language-server (VS Code's YAML extension, and any editor
 * speaking LSP) run over stdio against schemas/rollout-spec.schema.json, found through the
 * `# yaml-language-server: $schema=…` modeline the bundled specs carry. Its messages are rollgate's
 * sentences, its completion offers the keys and filled-in skeletons, and those skeletons are specs
 * rollgate accepts.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { readSchema } from '../../src/spec/schema-files.js';
import { DEFAULTS } from '../../src/spec/types.js';
import { parseDuration } from '../../src/time/duration.js';
import { type CompletionItem, type Diagnostic, descendants, isAlive, LspClient, type Position } from '../helpers/lsp-client.js';
import { ROOT } from '../helpers/paths.js';

type Node = Record<string, unknown>;
const MODELINE = '# yaml-language-server: $schema=../schemas/rollout-spec.schema.json';
const SERVER = 'node_modules/yaml-language-server/bin/yaml-language-server';
/** The settings the server asks for. No schema store (a catalog download): the schema is a local file. */
const SETTINGS = {
  yaml: { validate: true, completion: true, hover: true, schemaStore: { enable: false }, schemas: {} },
  http: { proxy: '', proxyStrictSSL: true },
  '[yaml]': {},
  editor: {},
};
/** Documents live only in the server's memory; their URIs sit in specs/ so the modeline resolves. */
const uriOf = (name: string) => pathToFileURL(join(ROOT, 'specs', name)).href;

/** The head every document below shares. */
const HEAD = [MODELINE, 'apiVersion: rollgate/v1', 'kind: Rollout', 'metadata:', '  name: checkout', 'surfaces:', '  web:', '    stateDir: .tau/web'];

/** A spec with the mistakes release managers make; `line(text)` finds where each is. */
const MISTAKES = [
  ...HEAD,
  'schedule: "*/5 * * * *"',
  'phases:',
  '  - name: canary-1',
  '    traffic: 5',
  '    soak: 60 min',
  '    gates:',
  '      - name: healthy',
  '        each: surface',
  '        rule: { "==": [ { var: surface.rollout_gate }, pass ] }',
  '  - name: canary 2',
  '    traffic: 25',
  '    soak: 120',
  '    minCheks: 2',
  'triggers:',
  '  - name: health-regression',
  '    when: { "==": [ { var: surfaces.web.health_state }, failing ] }',
  '    action: rollbak',
  '',
].join('\n');
const line = (text: string, doc = MISTAKES) => {
  const n = doc.split('\n').findIndex((l) => l.includes(text));
  if (n < 0) throw new Error(`no line with ${text}`);
  return n;
};

/** Inserts a completion the way an editor does: later lines of a snippet take the line's indentation, tab stops become their text. */
function applyCompletion(doc: string, at: Position, item: CompletionItem): string {
  const snippet = item.textEdit?.newText ?? item.insertText ?? item.label;
  const text = snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\}|\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
  const lines = doc.split('\n');
  const current = lines[at.line]!;
  const indent = /^\s*/.exec(current)![0];
  const start = item.textEdit?.range?.start.character ?? at.character;
  const end = item.textEdit?.range?.end.character ?? at.character;
  lines[at.line] = current.slice(0, start) + text.split('\n').join('\n' + indent) + current.slice(end);
  return lines.join('\n');
}

describe('schemas/rollout-spec.schema.json for editors', () => {
  const schema = readSchema('rollout-spec.schema.json');

  /** Every node of the schema that has `key`, with its pointer. */
  function nodesWith(key: string, node: unknown = schema, path = '#'): [string, Node][] {
    if (node === null || typeof node !== 'object') return [];
    const out: [string, Node][] = key in (node as Node) && !Array.isArray(node) ? [[path, node as Node]] : [];
    for (const [k, v] of Object.entries(node as Node)) {
      if (k !== 'defaultSnippets' && k !== 'examples' && k !== 'default') out.push(...nodesWith(key, v, `${path}/${k}`));
    }
    return out;
  }

  it('every pattern has an editor message: the x-hint `rollgate validate` shows, where there is one', () => {
    const patterns = nodesWith('pattern');
    expect(patterns.length).toBeGreaterThan(20);
    for (const [path, node] of patterns) {
      expect(node.patternErrorMessage, path).toEqual(expect.any(String));
      if ('x-hint' in node) expect(node.patternErrorMessage, path).toBe(node['x-hint']);
    }
  });

  it('the defaults it gives completion are the ones rollgate applies (src/spec/types.ts DEFAULTS)', () => {
    const at = (pointer: string) => pointer.split('/').slice(1).reduce<Node>((n, k) => n[k] as Node, schema as Node).default;
    const defs = '#/definitions';
    expect(at(`${defs}/phase/properties/minChecks`)).toBe(DEFAULTS.minChecks);
    expect(at(`${defs}/trigger/properties/consecutive`)).toBe(DEFAULTS.consecutive);
    expect(at(`${defs}/trigger/properties/severity`)).toBe(DEFAULTS.severity);
    expect(at(`${defs}/cronSchedule/properties/timezone`)).toBe(DEFAULTS.timezone);
    expect(parseDuration(at(`${defs}/hook/properties/timeout`))).toBe(DEFAULTS.hookTimeoutMs);
    expect(parseDuration(at(`${defs}/metric/properties/timeout`))).toBe(DEFAULTS.metricTimeoutMs);
    expect(parseDuration(at('#/properties/routing/properties/timeout'))).toBe(DEFAULTS.routingTimeoutMs);
    expect(at('#/properties/routing/properties/nginx/properties/test')).toEqual(DEFAULTS.nginxTest);
    expect(at('#/properties/routing/properties/nginx/properties/splitClients/properties/variable')).toBe(DEFAULTS.splitClientsVariable);
    expect(at(`${defs}/input/properties/required`)).toBe(DEFAULTS.inputRequired);
    expect(parseDuration(at(`${defs}/phase/properties/soak`))).toBe(0);
  });
});

describe('yaml-language-server over stdio, with the modeline of the bundled specs', () => {
  let server: LspClient;

  beforeAll(async () => {
    server = new LspClient({
      args: [SERVER, '--stdio'],
      cwd: ROOT,
      configuration: SETTINGS,
    });
    await server.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ROOT).href,
      workspaceFolders: [{ uri: pathToFileURL(ROOT).href, name: 'rollgate' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: { completion: { completionItem: { snippetSupport: true } }, publishDiagnostics: {} },
      },
    });
    server.notify('initialized', {});
    // yaml-language-server 1.x reads its settings with workspace/configuration (answered from
    // `configuration` above) when initialized and again on this notification, whatever it carries.
    server.notify('workspace/didChangeConfiguration', { settings: { yaml: SETTINGS.yaml } });
    await server.waitFor('the server to ask for its settings', (m) => m.method === 'workspace/configuration');
  });

  afterAll(() => server?.kill());

  /** Opens a document and returns the first diagnostics published for it that pass `test`. */
  async function open(name: string, text: string, test: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    const since = server.received.length;
    server.notify('textDocument/didOpen', { textDocument: { uri: uriOf(name), languageId: 'yaml', version: 1, text } });
    return server.diagnostics(uriOf(name), test, since);
  }

  async function complete(name: string, position: Position): Promise<CompletionItem[]> {
    const r = await server.request<{ items: CompletionItem[] } | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri: uriOf(name) }, position });
    return Array.isArray(r) ? r : r?.items ?? [];
  }

  it('says what rollgate says about each mistake, where rollgate says it', async () => {
    const diagnostics = await open('editor-mistakes.yaml', MISTAKES, (d) => d.length > 0);
    const at = (text: string) => diagnostics.filter((d) => d.range.start.line === line(text)).map((d) => d.message);
    const all = diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`).join('\n');

    // None of the editor's JSON-Schema wording: no regex, no list of types or values.
    expect(all).not.toMatch(/does not match the pattern|\^\[|Incorrect type|Value is not accepted/);

    expect(at('soak: 60 min')).toEqual(['write durations like 90s, 30m, 1h30m, 24h, 2d or 0 (units d, h, m, s, ms, largest first)']);
    expect(at('name: canary 2')).toEqual(['phase names use letters, digits, `-`, `_` and `.`']);
    // A bare number: the editor adds its own range message (it takes no message for `maximum`), and rollgate's sentence.
    expect(at('soak: 120')).toContain('a bare number is not a duration: write it with a unit, e.g. `120s`, `120m` or `2h` (only `0` needs none)');
    expect(at('minCheks')).toEqual(['Property minCheks is not allowed.']);
    expect(at('action: rollbak')).toEqual(['an action is `rollback` (end the rollout as rolled back) or `hold` (keep the phase without promoting)']);
    expect(at('each: surface')).toEqual(['`each` is `surfaces` (every surface) or a list of surface names, e.g. `each: [web, api]`']);
    expect(at('schedule:')).toEqual(['a schedule is a mapping such as `{ cron: "*/5 * * * *", timezone: UTC }`: `cron` (5 fields) and optionally `timezone`']);

    // `rollgate validate` reports the same places, and its sentence ends with the editor's.
    const rollgate = loadSpecText(MISTAKES, 'specs/editor-mistakes.yaml').diagnostics.filter((d) => d.severity === 'error');
    for (const text of ['soak: 60 min', 'name: canary 2', 'each: surface']) {
      const editor = diagnostics.find((d) => d.range.start.line === line(text))!;
      const own = rollgate.find((d) => d.line === line(text) + 1);
      expect(own, text).toBeDefined();
      expect(own!.col, text).toBe(editor.range.start.character + 1);
      expect(own!.message.endsWith(editor.message), `${own!.message} / ${editor.message}`).toBe(true);
    }
    for (const text of ['soak: 120', 'minCheks', 'action: rollbak', 'schedule:']) expect(rollgate.some((d) => d.line === line(text) + 1), text).toBe(true);
  });

  it('offers the keys of a phase, and a filled-in phase, inside a phase mapping', async () => {
    const doc = [...HEAD, 'phases:', '  - name: canary-1', '    traffic: 5', '    ', '    gates: []', ''].join('\n');
    await open('editor-phase-keys.yaml', doc);
    const items = await complete('editor-phase-keys.yaml', { line: line('    gates', doc) - 1, character: 4 });
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['soak', 'minChecks', 'inherit', 'description', 'new phase']));
    // Keys already there are not offered again; the defaults come with the keys.
    expect(labels).not.toContain('traffic');
    expect(items.find((i) => i.label === 'minChecks')!.insertText).toBe('minChecks: ${1:1}');
    // Inside an existing phase the skeleton fills in only what is missing.
    const skeleton = items.find((i) => i.label === 'new phase')!.insertText!;
    expect(skeleton).toContain('soak: ${3:30m}');
    expect(skeleton).not.toContain('traffic');
  });

  it.each([
    ['new phase', ['phases:', '  - name: preflight', '    traffic: 0', '  - '], '  - '],
    ['new gate', ['phases:', '  - name: canary-1', '    traffic: 5', '    gates:', '      - '], '      - '],
    ['new trigger', ['phases:', '  - name: canary-1', '    traffic: 5', 'triggers:', '  - '], '  - '],
    ['prometheus metric', ['phases:', '  - name: canary-1', '    traffic: 5', 'metrics:', '  errors:', '    '], '    '],
    ['http metric', ['phases:', '  - name: canary-1', '    traffic: 5', 'metrics:', '  streak:', '    '], '    '],
    ['haproxy routing', ['phases:', '  - name: canary-1', '    traffic: 5', 'routing:', '  '], '  '],
    ['nginx routing', ['phases:', '  - name: canary-1', '    traffic: 5', 'routing:', '  '], '  '],
    ['command routing', ['phases:', '  - name: canary-1', '    traffic: 5', 'routing:', '  '], '  '],
  ])('the %s skeleton it offers is a spec both it and rollgate accept', async (label, tail, last) => {
    const name = `editor-${label.replace(/ /g, '-')}.yaml`;
    const doc = [...HEAD, ...tail, ''].join('\n');
    await open(name, doc);
    const position = { line: HEAD.length + tail.length - 1, character: last.length };
    const items = await complete(name, position);
    const item = items.find((i) => i.label === label);
    expect(item, `${label} among ${items.map((i) => i.label).join(', ')}`).toBeDefined();
    const filled = applyCompletion(doc, position, item!);

    const since = server.received.length;
    server.notify('textDocument/didChange', { textDocument: { uri: uriOf(name), version: 2 }, contentChanges: [{ text: filled }] });
    expect(await server.diagnostics(uriOf(name), () => true, since), filled).toEqual([]);
    const errors = loadSpecText(filled, `specs/${name}`).diagnostics.filter((d) => d.severity === 'error');
    expect(errors, filled).toEqual([]);
  });

  it('shuts down on shutdown and exit, leaving no process behind', async () => {
    const pids = [server.pid, ...descendants(server.pid)];
    expect(isAlive(server.pid)).toBe(true);
    const { code } = await server.close();
    expect(code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
