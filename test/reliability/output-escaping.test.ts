/**
 * Producer text never reaches a terminal or a CI log raw (docs/output-escaping.md): hostile
 * strings in a health_reason, in the actor and reason of a manual action, and in a file name,
 * through every text format of evaluate, status, journal, control and validate.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { jsonText, safeLine, terminalSafe } from '../../src/report/escape.js';
import { rollgate, type Run } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { MIN, T0, World } from '../helpers/world.js';

/** [what, the hostile string, how it must show in text output]. */
const HOSTILE: [string, string, string][] = [
  ['a newline and a workflow command', 'x\n::error file=x,line=1::injected', 'x\\n::error file=x,line=1::injected'],
  ['a newline and add-mask', 'x\n::add-mask::secret', 'x\\n::add-mask::secret'],
  ['a newline and a forged decision', 'x\nPROMOTE canary-2', 'x\\nPROMOTE canary-2'],
  ['a legacy ##[ workflow command mid-line', 'x ##[error]injected', 'x ##\\x5berror]injected'],
  ['an ANSI clear screen', 'x\x1b[2J\x1b[H', 'x\\x1b[2J\\x1b[H'],
  ['an OSC window title', 'x\x1b]0;pwned\x07', 'x\\x1b]0;pwned\\x07'],
  ['an OSC 8 hyperlink', '\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07', '\\x1b]8;;https://evil.example/\\x07click\\x1b]8;;\\x07'],
  ['a carriage return', 'bad\rPROMOTE canary-2', 'bad\\rPROMOTE canary-2'],
  ['backspaces', 'fail\b\b\b\bpass', 'fail\\x08\\x08\\x08\\x08pass'],
  ['NUL', 'a\x00b', 'a\\x00b'],
  ['other C0 controls and DEL', 'a\x0b\x0c\t\x7fb', 'a\\x0b\\x0c\\t\\x7fb'],
  ['C1 controls (CSI, NEL)', 'a\u009b2J\u0085b', 'a\\x9b2J\\x85b'],
  ['a bidi override', 'a\u202eevil\u202c', 'a\\u202eevil\\u202c'],
  ['bidi isolates and a mark', 'a\u2066x\u2069\u200fb', 'a\\u2066x\\u2069\\u200fb'],
  ['line and paragraph separators', 'a\u2028PROMOTE canary-2\u2029b', 'a\\u2028PROMOTE canary-2\\u2029b'],
  ['a leading ::', '::error::starts the value', '::error::starts the value'],
];
/**
 * Every class goes through the producer's channel (health_reason) and through terminalSafe; the
 * other channels share the same escaping, so a few classes each prove they use it (this keeps
 * the suite's process count down).
 */
const SAMPLE = new Set(['a newline and a workflow command', 'an ANSI clear screen', 'a bidi override', 'line and paragraph separators', 'a leading ::']);
/** Where a value starts a line: a file name at the start of a diagnostic. Elsewhere a value never does. */
const MID_LINE = HOSTILE.filter(([what]) => what !== 'a leading ::');

/** Any character that must never be printed raw. */
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u2028\u2029]/u;
const NEWLINE_FREE_RAW = new RegExp(RAW.source.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'), 'u');
/** rollgate's own annotations: `::level file=…[,line=N,col=N],title=…::`, properties without a raw `:` or `,`. */
const OWN_ANNOTATION = /^::(error|warning|notice) file=[^:,]*(,line=\d+,col=\d+)?,title=[^:,]*::/;

function expectSafe(output: string, label: string, annotations = false): void {
  const raw = NEWLINE_FREE_RAW.exec(output);
  expect(raw && `U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${raw.index}`, `${label}: a raw control or format character`).toBeNull();
  expect(output.includes('##['), `${label}: ##[`).toBe(false);
  for (const line of output.split('\n')) {
    // The runner trims leading white space, then acts on `::`.
    if (!/^\s*::/.test(line)) continue;
    expect(annotations, `${label}: a line starting with \`::\`: ${line}`).toBe(true);
    expect(line, label).toMatch(OWN_ANNOTATION);
  }
}

function expectShown(run: Run, visible: string, label: string, annotations = false): void {
  expectSafe(run.stdout, `${label} stdout`, annotations);
  expectSafe(run.stderr, `${label} stderr`, annotations);
  expect(run.stdout + run.stderr, `${label}: the escaped form`).toContain(visible);
}

/** The real CLI like helpers/cli.ts, without blocking: the runs of a case that do not depend on each other overlap. */
function run(args: string[], cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ROOT + 'bin/rollgate.js', ...args], { cwd, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

const CC = '.tau/custom-command';
/** A spec with a gate on the health_reason itself: its message quotes the hostile value. */
const QUOTING_SPEC = `apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: quoting
surfaces:
  custom-command:
    stateDir: ${CC}
    kind: custom-command
    staleAfter: 15m
phases:
  - name: canary-1
    traffic: 5
    soak: 30m
    gates:
      - name: healthy
        each: surfaces
        rule: { "==": [ { var: surface.rollout_gate }, pass ] }
      - name: known-reason
        each: surfaces
        rule: { "==": [ { var: surface.health_reason }, "all good" ] }
  - name: general-availability
    traffic: 100
    soak: 1h
    inherit: true
`;

function producerWrites(w: World, healthReason: string, atMs: number): void {
  w.state(CC, 'custom-command', atMs - 5000);
  w.raw(`${CC}/runtime-events.jsonl`, JSON.stringify({ reason_codes: ['command_runs_recorded'], health_reason: healthReason }) + '\n');
}

describe('the escaping functions', () => {
  it.each(HOSTILE)('%s: terminalSafe shows it, is idempotent; jsonText is the same JSON value, without the raw character', (_, value, visible) => {
    expect(terminalSafe(value)).toBe(visible);
    expect(terminalSafe(terminalSafe(value))).toBe(visible);
    expect(RAW.test(safeLine(value))).toBe(false);
    expect(/^\s*::/.test(safeLine(value))).toBe(false);
    const json = jsonText({ value, [value]: [value] }, 2);
    expect(JSON.parse(json)).toEqual({ value, [value]: [value] });
    expect(NEWLINE_FREE_RAW.test(json) || json.includes('##[')).toBe(false);
  });

  it('astral format characters and lone surrogates are shown too', () => {
    expect(terminalSafe('tag\u{e0041}end')).toBe('tag\\u{e0041}end');
    expect(terminalSafe('lone\ud800x')).toBe('lone\\ud800x');
    expect(JSON.parse(jsonText('tag\u{e0041}'))).toBe('tag\u{e0041}');
    expect(safeLine('  ::notice::x')).toBe('  \\x3a:notice::x');
  });
});

describe('producer text in every text format', () => {
  it.each(MID_LINE)('%s in a health_reason: evaluate (text, github, markdown, junit, json), status, journal', async (what, value, visible) => {
    const w = new World();
    w.raw('quoting.yaml', QUOTING_SPEC);
    producerWrites(w, value, T0);
    const spec = w.path('quoting.yaml');
    const at = (...args: string[]) => ['--root', w.root, '--now', String(T0), ...args];

    const text = rollgate(['evaluate', spec, ...at('--explain')]);
    expect(text.code, text.stderr).toBe(1); // the gate on the reason fails: a hold
    expectShown(text, `custom-command: healthy, gate pass: ${visible}`, `${what}: evaluate`);
    expect(text.stdout).toContain(`FAIL known-reason [custom-command]: surface.health_reason = ${visible}, expected == all good`);
    const [github, markdown, junit, json, status, journal] = await Promise.all([
      run(['evaluate', spec, ...at('--dry-run', '--format', 'github')]),
      run(['evaluate', spec, ...at('--dry-run', '--format', 'markdown')]),
      run(['evaluate', spec, ...at('--dry-run', '--format', 'junit')]),
      run(['evaluate', spec, ...at('--dry-run', '--format', 'json')]),
      run(['status', spec, ...at()]),
      run(['journal', spec, '--root', w.root]),
    ]);
    expectShown(github, `surface.health_reason = ${visible}`, `${what}: evaluate --format github`, true);
    expectShown(markdown, `| ${visible} |`, `${what}: evaluate --format markdown`);
    expectShown(junit, `surface.health_reason = ${visible}`, `${what}: evaluate --format junit`);
    expectSafe(json.stdout, `${what}: evaluate --format json`);
    expect(JSON.parse(json.stdout).surfaces['custom-command'].health_reason).toBe(value);
    expectShown(status, `: ${visible}`, `${what}: status`);
    expectShown(journal, `surface.health_reason = ${visible}`, `${what}: journal`);
  });

  // argv cannot carry NUL.
  it.each(MID_LINE.filter(([what, v]) => SAMPLE.has(what) && !v.includes('\0')))('%s as the actor and reason of a manual action: control, status, journal, evaluate (github, markdown)', async (what, value, visible) => {
    const w = new World();
    const spec = join(ROOT, 'specs/custom-command.yaml');
    producerWrites(w, 'fine', T0);
    w.evaluate('specs/custom-command.yaml', T0);
    const at = (ms: number, ...args: string[]) => ['--root', w.root, '--now', String(ms), ...args];

    const pause = rollgate(['control', spec, 'pause', '--reason', value, '--actor', value, ...at(T0 + MIN)]);
    expect(pause.code, pause.stderr).toBe(0); // applied
    expectShown(pause, `paused by ${visible}: ${visible}`, `${what}: control`);
    const [status, journal, github, markdown] = await Promise.all([
      run(['status', spec, ...at(T0 + 2 * MIN)]),
      run(['journal', spec, '--root', w.root]),
      run(['evaluate', spec, ...at(T0 + 3 * MIN, '--dry-run', '--format', 'github')]),
      run(['evaluate', spec, ...at(T0 + 3 * MIN, '--dry-run', '--format', 'markdown')]),
    ]);
    expectShown(status, `paused by ${visible}: ${visible}`, `${what}: status`);
    expectShown(journal, `[${visible}: pause] paused by ${visible}`, `${what}: journal`);
    expectShown(github, `paused by ${visible} since`, `${what}: evaluate --format github`, true);
    expectShown(markdown, `paused by ${visible} since`, `${what}: evaluate --format markdown`);
  });

  // A file name holds neither NUL nor `/`.
  it.each(HOSTILE.filter(([what, v]) => SAMPLE.has(what) && !v.includes('\0')))('%s in a file name: validate (text, github, markdown), evaluate of a missing spec', async (what, value, visible) => {
    const w = new World();
    const name = `${value.replace(/\//g, '_')}.yaml`;
    const shown = `${visible.replace(/\//g, '_')}.yaml`;
    // Where the name starts a line, a leading `::` is shown as `\x3a:`.
    const leading = shown.startsWith('::') ? `\\x3a${shown.slice(1)}` : shown;
    writeFileSync(join(w.root, name), 'apiVersion: rollgate/v1\nkind: Nope\n');

    const [text, github, markdown, missing] = await Promise.all([
      run(['validate', name], w.root),
      run(['validate', name, '--format', 'github'], w.root),
      run(['validate', name, '--format', 'markdown'], w.root),
      run(['evaluate', `missing-${name}`, '--root', w.root], w.root),
    ]);
    expect(text.code).toBe(65);
    expectShown(text, `INVALID ${shown}`, `${what}: validate`);
    expect(text.stderr.startsWith(`${leading}:`), text.stderr).toBe(true);
    expectSafe(github.stdout, `${what}: validate --format github`, true);
    expectShown(markdown, `| \`${shown}\` | **invalid** |`, `${what}: validate --format markdown`);
    expect(missing.code).toBe(66);
    expectShown(missing, `rollgate evaluate: missing-${shown}: the spec is missing`, `${what}: evaluate of a missing spec`);
  });

  it('every hostile string at once: inspect, run --once, simulate, rollgate test (text and github)', async () => {
    const value = MID_LINE.map(([, v]) => v).join(' ');
    const visible = MID_LINE.map(([, , v]) => v).join(' ');
    const w = new World();
    w.raw('quoting.yaml', QUOTING_SPEC);
    producerWrites(w, value, T0);
    // A double-quoted YAML scalar takes JSON's \u escapes.
    w.raw('timeline.yaml', `until: 20m\nevery: 5m\nsurfaces:\n  custom-command: { cycle: [ command_runs_recorded ] }\nevents:\n  - { at: 10m, control: { action: pause, actor: ${jsonText(value)}, reason: ${jsonText(value)} } }\n`);
    // `run` checks at the clock's time.
    const live = new World();
    live.raw('quoting.yaml', QUOTING_SPEC);
    producerWrites(live, value, Date.now());
    w.raw('cc.yaml', readFileSync(join(ROOT, 'specs/custom-command.yaml'), 'utf8'));
    w.raw('cc.test.yaml', `cases:\n  - name: ${jsonText(value)}\n    timeline: { until: 10m, surfaces: { custom-command: { cycle: [ command_runs_recorded ] } } }\n    expect:\n      - { at: 0, decision: promote }\n`);
    const [inspect, transport, once, simulated, tested, annotated] = await Promise.all([
      run(['inspect', w.path(CC), '--now', String(T0)]),
      run(['inspect', w.path(CC), '--transport-health', '--now', String(T0)]),
      run(['run', live.path('quoting.yaml'), '--once', '--root', live.root]),
      run(['simulate', w.path('cc.yaml'), '--timeline', w.path('timeline.yaml')]),
      run(['test', w.path('cc.test.yaml')]),
      run(['test', w.path('cc.test.yaml'), '--format', 'github']),
    ]);
    // A key=value line: the value is a JSON string, its escapes those of JSON.
    expectSafe(inspect.stdout + inspect.stderr, 'inspect');
    expect(JSON.parse(/ health_reason=("(?:[^"\\]|\\.)*")/.exec(inspect.stdout)?.[1] ?? 'null')).toBe(value);
    expectSafe(transport.stdout + transport.stderr, 'inspect --transport-health');
    expect(once.code, once.stderr).toBe(1);
    expectShown(once, `surface.health_reason = ${visible}`, 'run --once');
    expect(simulated.code, simulated.stderr).toBe(0);
    expectShown(simulated, `paused by ${visible}: ${visible}`, 'simulate');
    expect(tested.code, tested.stderr).toBe(1);
    expectShown(tested, `✗ ${visible}`, 'test');
    expectShown(annotated, `title=rollgate test%3A ${visible.replace(/,/g, '%2C').replace(/:/g, '%3A')}::`, 'test --format github', true);
  });
});

/**
 * By construction: every write to stdout or stderr, and every renderer's result, is assembled by
 * an escaping function (or is a fixed string), so a new command or format cannot forget it.
 */
describe('every write to a terminal goes through the escaping', () => {
  const SAFE_CALLS = new Set(['textLines', 'safeLine', 'jsonText', 'terminalSafe', 'keyValueLine']);
  /** Variables that hold an already escaped rendering (or text rollgate generates itself). */
  const SAFE_NAMES: Record<string, string[]> = {
    'src/cli/validate.ts': ['stdout', 'stderr'], // a ValidationRenderer's result
    'src/cli/init.ts': ['text'], // the starter spec, validated before it is printed
    // emitStreamed(text): the parts simulate's streaming renderer writes (each write() of
    // src/report/simulate.ts is checked below).
    'src/cli/emit.ts': ['text'],
  };
  /** Calls whose result is a streamed rendering assembled from checked write() calls. */
  const STREAMED: Record<string, string[]> = { 'src/report/simulate.ts': ['rendered'] };

  const safe = (e: ts.Expression, file: string): boolean => {
    if (ts.isParenthesizedExpression(e)) return safe(e.expression, file);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
    if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => safe(s.expression, file));
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return safe(e.left, file) && safe(e.right, file);
    if (ts.isConditionalExpression(e)) return safe(e.whenTrue, file) && safe(e.whenFalse, file);
    if (ts.isObjectLiteralExpression(e)) return e.properties.every((p) => ts.isPropertyAssignment(p) && safe(p.initializer, file));
    if (ts.isCallExpression(e)) {
      if (ts.isIdentifier(e.expression)) return SAFE_CALLS.has(e.expression.text) || (STREAMED[file] ?? []).includes(e.expression.text);
      // DECISION_RENDERERS[format](…): the renderers are checked below.
      return ts.isElementAccessExpression(e.expression) && /RENDERERS$/.test(e.expression.expression.getText());
    }
    if (ts.isPropertyAccessExpression(e)) return /^rendered\.(stdout|stderr)$/.test(e.getText());
    return ts.isIdentifier(e) && (SAFE_NAMES[file] ?? []).includes(e.text);
  };

  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(`${dir}/${d.name}`) : d.name.endsWith('.ts') ? [`${dir}/${d.name}`] : []));
  const parse = (file: string) => ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const where = (node: ts.Node) => `${node.getSourceFile().fileName}:${node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

  it('process.stdout.write and process.stderr.write, everywhere in src', () => {
    const unsafe: string[] = [];
    let writes = 0;
    for (const file of sources('src')) {
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && /^process\.std(out|err)\.write$/.test(node.expression.getText())) {
          writes++;
          if (!safe(node.arguments[0]!, file)) unsafe.push(`${where(node)}: ${node.arguments[0]!.getText().slice(0, 100)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
    }
    // Renderers return their output and src/cli/emit.ts writes it: the rest are log lines and command messages.
    expect(writes).toBeGreaterThan(15);
    expect(unsafe).toEqual([]);
  });

  it("every part simulate's streaming renderer writes: escaped text or JSON, or rollgate's own punctuation", () => {
    const file = 'src/report/simulate.ts';
    // The JSON array's brackets and the comparison's keys: strings rollgate writes itself.
    const punctuation = new Set(['close', 'open', 'pad']);
    const unsafe: string[] = [];
    let writes = 0;
    const ok = (e: ts.Expression): boolean => {
      if (ts.isParenthesizedExpression(e)) return ok(e.expression);
      if (ts.isTemplateExpression(e)) return e.templateSpans.every((sp) => ok(sp.expression));
      if (ts.isConditionalExpression(e)) return ok(e.whenTrue) && ok(e.whenFalse);
      if (ts.isIdentifier(e) && punctuation.has(e.text)) return true;
      if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && punctuation.has(e.expression.text)) return true;
      // jsonText(r, 2).replace(/\n/g, …): indentation added to escaped JSON.
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'replace') return ok(e.expression.expression);
      return safe(e, file);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'write' && node.arguments.length === 1) {
        writes++;
        if (!ok(node.arguments[0]!)) unsafe.push(`${where(node)}: ${node.arguments[0]!.getText().slice(0, 100)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(parse(file));
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(unsafe).toEqual([]);
  });

  it("every renderer's result (JUnit aside: XML escapes each value with xml and xmlLines)", () => {
    const unsafe: string[] = [];
    let renderers = 0;
    const check = (fn: ts.ArrowFunction | ts.FunctionExpression, file: string) => {
      renderers++;
      const results: ts.Expression[] = [];
      if (!ts.isBlock(fn.body)) results.push(fn.body);
      else {
        const visit = (node: ts.Node): void => {
          if (ts.isReturnStatement(node) && node.expression) results.push(node.expression);
          if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
        };
        ts.forEachChild(fn.body, visit);
      }
      for (const r of results) if (!safe(r, file)) unsafe.push(`${where(r)}: ${r.getText().slice(0, 100)}`);
    };
    for (const file of sources('src/report').filter((f) => !f.endsWith('/junit.ts'))) {
      const visit = (node: ts.Node): void => {
        if (ts.isVariableDeclaration(node) && node.type && /Renderer\b/.test(node.type.getText()) && node.initializer) {
          const init = node.initializer;
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) check(init, file);
          if (ts.isObjectLiteralExpression(init)) {
            for (const p of init.properties) if (ts.isPropertyAssignment(p) && (ts.isArrowFunction(p.initializer) || ts.isFunctionExpression(p.initializer))) check(p.initializer, file);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
    }
    expect(renderers).toBeGreaterThanOrEqual(28);
    expect(unsafe).toEqual([]);
  });
});
