/**
 * rollgate as a library, the way a program gets it: `npm pack` the built package, install the
 * tarball into a scratch project, run README's "Use as a library" example from JavaScript and
 * type-check TypeScript against the shipped declarations (a deliberate type error must fail).
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const TSC = join(ROOT, 'node_modules/.bin/tsc');

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** As run(), without blocking: the three type-checks run side by side. */
function runAsync(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** The first ```js block of README's "Use as a library" section: the example is run as written. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Use as a library\n')[1]?.split('\n## ')[0];
  const code = section?.match(/```js\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('README has no ```js example under "## Use as a library"');
  return code;
}

/** A program using the types: it must compile with no error (and no implicit any). */
const GOOD_TS = `import {
  applyAction, check, DECISION_RENDERERS, EXIT, fileStore, formatDiagnostic, loadSpecText, observeRollout, operate, verifyJournal,
  type Decision, type DecisionRecord, type Diagnostic, type ManualAction, type Observations,
  type Rendered, type Renderer, type RenderContext, type RolloutState, type RolloutStore, type Spec, type SpecResult,
} from 'rollgate';
import { readFileSync } from 'node:fs';

const text = readFileSync('node_modules/rollgate/specs/custom-command.yaml', 'utf8');
const result: SpecResult = loadSpecText(text, 'custom-command.yaml');
const problems: Diagnostic[] = result.diagnostics.filter((d) => d.severity === 'error');
const spec: Spec | null = result.spec;
if (spec) {
  const store: RolloutStore = fileStore('.rollgate', spec.name);
  const before: RolloutState | null = await store.load();
  const obs: Observations = await observeRollout(spec, before, { root: process.cwd(), nowMs: Date.now() });
  const dry = await operate(spec, { kind: 'check', dryRun: true }, { store, root: process.cwd(), nowMs: Date.now() });
  const seen: string = dry.ok ? dry.record.decision : dry.message;
  const { record, next } = check(spec, before, obs, Date.now(), { dryRun: true });
  const decision: Decision = record.decision;
  const gates: string[] = record.gates.map((g) => \`\${g.name}: \${g.result}\`);
  const phase: number = next.phase.index;
  const action: ManualAction = 'pause';
  const paused = applyAction(spec, next, action, { actor: 'me', reason: 'why' }, Date.now(), record.surfaces);
  const kept: DecisionRecord | null = paused.ok ? paused.record : null;
  const ok: boolean = verifyJournal('.rollgate/' + spec.name + '/decisions.jsonl').ok && (await store.verify()).ok;
  const exit: number = EXIT.HOLD;
  const json: Renderer<DecisionRecord, RenderContext> = DECISION_RENDERERS.json;
  const out: Rendered = json(record, { spec, explain: false });
  const summary: string | undefined = DECISION_RENDERERS.github(record, { spec, explain: false }).appendToStepSummary;
  console.log(decision, gates, phase, kept, ok, exit, problems.map(formatDiagnostic), out.stdout, summary, seen);
}
`;

/** The same program with mistakes the types must catch. */
const BAD_TS = `import { check, loadSpecText, observeRollout, type Decision } from 'rollgate';

const { spec } = loadSpecText('', 'x.yaml');
if (spec) {
  const { record } = check(spec, null, await observeRollout(spec, null, { root: '.', nowMs: 0 }), '2026-02-16T00:06:00Z', { dryRun: true });
  const decision: Decision = 'ship';
  const count: number = record.decision;
  console.log(decision, count, spec.no_such_field);
}
`;

const tsconfig = (moduleResolution: 'node16' | 'bundler', files: string[], checkDeclarations = false) => JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: moduleResolution === 'node16' ? 'node16' : 'esnext',
    moduleResolution,
    lib: ['ES2022'],
    strict: true,
    noEmit: true,
    // Once, the declarations themselves are checked too, as a consumer's default build would
    // (it costs ~3 s, mostly @types/node).
    skipLibCheck: !checkDeclarations,
    // A consumer has @types/node; the scratch project borrows the repo's.
    typeRoots: [join(ROOT, 'node_modules/@types')],
    types: ['node'],
  },
  files,
}, null, 2);

let project = '';

describe('the packed package', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/index.js')) || !existsSync(join(ROOT, 'dist/index.d.ts'))) throw new Error('dist/index.js is not built: run `npm run build`');
    const dir = tempDir('pack');
    // --ignore-scripts: `npm pack` would run `prepare` (the whole build) again.
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
    expect(pack.code, pack.out).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball, pack.out).toBeDefined();

    project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    // Dependencies come from the npm cache when it has them, else from the registry.
    const install = run('npm', ['install', join(dir, tarball!), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], project);
    expect(install.code, install.out).toBe(0);
    // The producer's files the spec's stateDir names.
    cpSync(join(ROOT, 'fixtures/tau-samples/runtime-custom-command-healthy'), join(project, '.tau/custom-command'), { recursive: true });
  }, 120_000);

  it('ships the compiled library, its declarations, the schemas and the precompiled validators', () => {
    const pkg = join(project, 'node_modules/rollgate');
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/engine/check.d.ts', 'schemas/rollout-spec.schema.json', 'dist/validators/rollout-spec.schema.cjs', 'specs/custom-command.yaml', 'dist/bundle/rollgate.cjs']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
  });

  it("runs README's example from an .mjs file: import('rollgate') loads, validates and checks a spec", () => {
    writeFileSync(join(project, 'check.mjs'), readmeExample());
    const r = run(process.execPath, ['check.mjs'], project);
    expect(r.code, r.out).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('wait at canary-1: all gates pass; soaking canary-1: 0 of 30m held, 30m left');
    expect(lines[1]).toBe('WAIT  custom-command · canary-1 (5%) · check 1 · 2026-02-16T00:06:00.000Z · dry run');
    expect(r.stdout).toContain('gates (6 pass)');
  });

  it('reports an invalid spec as diagnostics with positions, not a throw', () => {
    writeFileSync(join(project, 'invalid.mjs'), `import { loadSpecText, hasErrors } from 'rollgate';
const r = loadSpecText('apiVersion: rollgate/v1\\nkind: Rollout\\nmetadata: { name: x }\\nsurfaces: {}\\nphases: []\\n', 'bad.yaml');
console.log(JSON.stringify({ spec: r.spec, errors: hasErrors(r.diagnostics), first: r.diagnostics[0] }));
`);
    const r = run(process.execPath, ['invalid.mjs'], project);
    expect(r.code, r.out).toBe(0);
    const out = JSON.parse(r.stdout) as { spec: unknown; errors: boolean; first: { file: string; line: number; col: number } };
    expect(out).toMatchObject({ spec: null, errors: true, first: { file: 'bad.yaml' } });
    expect(out.first.line).toBeGreaterThan(0);
  });

  it('keeps the CLI working from the installed package', () => {
    const r = run(join(project, 'node_modules/.bin/rollgate'), ['validate', 'node_modules/rollgate/specs/custom-command.yaml'], project);
    expect(r.code, r.out).toBe(0);
  });

  it('type-checks a TypeScript program against the declarations (node16 and bundler resolution); a type error fails', async () => {
    writeFileSync(join(project, 'good.ts'), GOOD_TS);
    writeFileSync(join(project, 'bad.ts'), BAD_TS);
    writeFileSync(join(project, 'tsconfig.node16.json'), tsconfig('node16', ['good.ts'], true));
    // Both files in one program: good.ts must stay clean beside bad.ts's errors.
    writeFileSync(join(project, 'tsconfig.bundler.json'), tsconfig('bundler', ['good.ts', 'bad.ts']));
    const [node16, bundler] = await Promise.all(['tsconfig.node16.json', 'tsconfig.bundler.json'].map((config) => runAsync(TSC, ['-p', config], project)));
    expect(node16!.code, `node16:\n${node16!.out}`).toBe(0);
    expect(bundler!.code, bundler!.out).not.toBe(0);
    const errors = bundler!.out.split('\n').filter((l) => / error TS\d+:/.test(l));
    expect(errors.filter((l) => !l.startsWith('bad.ts(')), bundler!.out).toEqual([]);
    // Each mistake is caught where it is: the argument, the literal, the assignment, the field.
    expect(errors.map((l) => l.match(/^bad\.ts\((\d+),\d+\): error (TS\d+):/)?.slice(1).join(' '))).toEqual(['5 TS2345', '6 TS2322', '7 TS2322', '8 TS2339']);
  });
});
