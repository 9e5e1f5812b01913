/**
 * action.yml, the composite GitHub Action: its shape, and its `run:` steps run in bash the way
 * the runner runs them (composite.ts), against the real CLI and a scratch deployment directory.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { loadAction, runAction } from './composite.js';
import { FIXTURE_WRITTEN, rolloutRoot } from './rollout-root.js';

const action = loadAction();
const SPEC = 'specs/custom-command.yaml';
/** A minute after the fixtures were written: every gate passes (wait). */
const FRESH_NOW = '2026-02-16T00:06:00Z';
/** Nine hours later: the state is stale and the check holds. */
const STALE_NOW = '2026-02-16T09:00:00Z';

/** The action in a workspace that is a deployment directory (specs/, .tau/…). */
function inWorkspace(inputs: Record<string, string>, root = rolloutRoot('stale')) {
  return { root, run: runAction(action, inputs, { workspace: root }) };
}

const annotations = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::'));
const rollgateStep = (run: ReturnType<typeof runAction>) => run.steps.find((s) => s.name.startsWith('Run rollgate'))!;

describe('action.yml', () => {
  it('is a composite action: name, description, inputs with their defaults, outputs, steps', () => {
    expect(action.name).toBe('rollgate');
    expect(action.description).toMatch(/\S{10}/);
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(['command', 'specs', 'format', 'args', 'working-directory', 'node-version']);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/\S{5}/);
      expect(input.required ?? false, `${name}: every input has a default`).toBe(false);
      expect(typeof input.default, name).toBe('string');
    }
    expect([action.inputs.command!.default, action.inputs.format!.default, action.inputs['node-version']!.default]).toEqual(['evaluate', 'github', '20']);
    expect(action.outputs).toMatchObject({
      'exit-code': { value: '${{ steps.rollgate.outputs.exit-code }}' },
      decision: { value: '${{ steps.rollgate.outputs.decision }}' },
    });
    const [setup, install, main, ...rest] = action.runs.steps;
    expect(rest).toEqual([]);
    expect(setup).toMatchObject({ uses: expect.stringMatching(/^actions\/setup-node@v\d+$/), with: { 'node-version': '${{ inputs.node-version }}' } });
    expect(install).toMatchObject({ shell: 'bash', 'working-directory': '${{ github.action_path }}', run: expect.stringContaining('npm ci') });
    expect(main).toMatchObject({ id: 'rollgate', shell: 'bash', run: expect.stringContaining('node "$ROLLGATE_ACTION_PATH/bin/rollgate.js"') });
    // The inputs reach the script as environment variables, never as text pasted into it.
    for (const step of [install!, main!]) expect(step.run, step.name).not.toMatch(/\$\{\{/);
    expect(main!.env).toMatchObject({ ROLLGATE_INPUT_COMMAND: '${{ inputs.command }}', ROLLGATE_INPUT_ARGS: '${{ inputs.args }}', ROLLGATE_ACTION_PATH: '${{ github.action_path }}' });
  });

  it('install: a checkout that is built already (this one) is used as it is; a fresh one gets `npm ci`', () => {
    const lock = join(ROOT, 'node_modules/.package-lock.json');
    const before = statSync(lock).mtimeMs;
    const { run } = inWorkspace({ command: 'status', specs: SPEC, args: `--now ${FRESH_NOW}` });
    const install = run.steps[1]!;
    expect([install.code, install.stdout.trim()]).toEqual([0, `rollgate: using the installed build in ${ROOT.replace(/\/$/, '')}`]);
    expect(statSync(lock).mtimeMs).toBe(before);
    expect(run.steps[0]!.skipped).toMatch(/^uses actions\/setup-node/);

    // A fresh checkout of the action (no node_modules): `npm ci` there, with an npm that only records.
    const fresh = tempDir('action-checkout');
    const bin = tempDir('fake-npm');
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\necho "npm $* in $PWD" >> "$NPM_LOG"\n');
    chmodSync(join(bin, 'npm'), 0o755);
    const log = join(bin, 'log');
    const r = runAction({ ...action, runs: { ...action.runs, steps: action.runs.steps.slice(0, 2) } }, {}, { workspace: fresh, actionPath: fresh, path: [bin], env: { NPM_LOG: log } });
    expect(r.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(`npm ci --no-audit --no-fund in ${fresh}\n`);
  });

  it('validate on specs/ (in a working-directory): exit 0, no annotations, no summary, no decision', () => {
    const workspace = tempDir('workspace');
    rolloutRoot('stale', join(workspace, 'rollouts'));
    const run = runAction(action, { command: 'validate', specs: 'specs/', args: '--strict', 'working-directory': 'rollouts' }, { workspace });
    const step = rollgateStep(run);
    expect([run.code, step.code, run.outputs]).toEqual([0, 0, { 'exit-code': '0', decision: '' }]);
    expect(step.outputs).toEqual({ 'exit-code': '0' });
    expect(step.stdout).toBe('4 specs checked: 4 valid, 0 invalid (0 errors, 0 warnings)\n');
    expect([annotations(run.stdout), run.summary, run.stderr]).toEqual([[], '', '']);
  });

  it('evaluate, all gates passing: a notice on the spec, the summary, decision=wait, exit 0; the check is journaled', () => {
    const { root, run } = inWorkspace({ specs: SPEC, args: `--root . --now ${FRESH_NOW}` });
    const step = rollgateStep(run);
    expect([run.code, step.outputs]).toEqual([0, { 'exit-code': '0', decision: 'wait' }]);
    expect(run.outputs).toEqual({ 'exit-code': '0', decision: 'wait' });
    expect(annotations(step.stdout)).toEqual([`::notice file=${SPEC},title=rollgate wait%3A custom-command canary-1::all gates pass; soaking canary-1: 0 of 30m held, 30m left`]);
    expect(run.summary).toMatch(/^### \S+ rollgate: \*\*wait\*\* · custom-command · canary-1 \(5%\)\n/);
    expect(run.summary).toContain('- all gates pass; soaking canary-1: 0 of 30m held, 30m left');
    expect(readFileSync(join(root, '.rollgate/custom-command/decisions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it("evaluate, holding: the step fails with the CLI's exit code (1), annotations on the gates' lines, decision=hold", () => {
    const { run } = inWorkspace({ specs: SPEC, args: `--now ${STALE_NOW} --dry-run` });
    const step = rollgateStep(run);
    const direct = rollgate(['evaluate', SPEC, '--now', STALE_NOW, '--dry-run', '--format', 'github'], rolloutRoot('stale'));
    expect([run.code, step.code, direct.code]).toEqual([1, 1, 1]);
    expect(step.stdout).toBe(direct.stdout);
    expect(run.outputs).toEqual({ 'exit-code': '1', decision: 'hold' });
    const lines = annotations(step.stdout);
    expect(lines[0]).toMatch(/^::warning file=specs\/custom-command\.yaml,title=rollgate hold%3A custom-command canary-1::/);
    expect(lines).toContainEqual(expect.stringMatching(/^::warning file=specs\/custom-command\.yaml,line=54,col=15,title=gate fresh-state \[custom-command\] fail::/));
    expect(run.summary).toMatch(/rollgate: \*\*hold\*\*/);
  });

  it('evaluate with --no-fail: a hold exits 0 and still says hold; a missing spec still fails (66)', () => {
    const held = inWorkspace({ specs: SPEC, args: `--now ${STALE_NOW} --dry-run --no-fail` }).run;
    expect([held.code, held.outputs]).toEqual([0, { 'exit-code': '0', decision: 'hold' }]);
    expect(annotations(held.stdout)[0]).toMatch(/^::warning .*title=rollgate hold%3A/);
    const missing = inWorkspace({ specs: 'specs/nope.yaml', args: '--no-fail' }).run;
    expect([missing.code, missing.outputs]).toEqual([66, { 'exit-code': '66', decision: '' }]);
    expect(missing.stderr).toMatch(/specs\/nope\.yaml/);
  });

  it('evaluate, rolling back: exit 2 passes through, decision=rollback, error annotations', () => {
    const at = Date.parse('2026-02-16T10:00:00Z');
    const root = rolloutRoot(at);
    for (const surface of ['custom-command']) {
      const file = join(root, '.tau', surface, 'state.json');
      const state = JSON.parse(readFileSync(file, 'utf8')) as { health: Record<string, unknown> };
      Object.assign(state.health, { failure_streak: 1, last_cycle_failed: 1 });
      writeFileSync(file, JSON.stringify(state));
    }
    const first = runAction(action, { specs: SPEC, args: `--now ${at}` }, { workspace: root });
    expect([first.code, first.outputs.decision]).toEqual([1, 'hold']);
    const second = runAction(action, { specs: SPEC, args: `--now ${at + 5 * 60_000}` }, { workspace: root });
    expect([second.code, second.outputs]).toEqual([2, { 'exit-code': '2', decision: 'rollback' }]);
    expect(annotations(second.stdout)[0]).toMatch(/^::error file=specs\/custom-command\.yaml,title=rollgate rollback%3A custom-command canary-1::trigger `health-regression` fired/);
    expect(second.summary).toMatch(/rollgate: \*\*rollback\*\*/);
  });

  it('the decision output is read from every format', () => {
    const root = rolloutRoot('stale');
    for (const format of ['text', 'json', 'markdown', 'junit', '']) {
      const run = runAction(action, { specs: SPEC, format, args: `--now ${STALE_NOW} --dry-run --no-fail` }, { workspace: root });
      expect([format, run.code, run.outputs.decision]).toEqual([format, 0, 'hold']);
      expect(run.summary, 'only the github format writes the step summary').toBe('');
    }
    const wait = runAction(action, { specs: SPEC, format: 'json', args: `--now ${FRESH_NOW} --dry-run` }, { workspace: rolloutRoot('stale') });
    expect(JSON.parse(rollgateStep(wait).stdout)).toMatchObject({ decision: 'wait' });
    expect(wait.outputs.decision).toBe('wait');
  });

  it('run: --once is added, github falls back to text, the worst exit code passes through; status reports', () => {
    const root = rolloutRoot(FIXTURE_WRITTEN + 60 * 60_000);
    const run = runAction(action, { command: 'run', specs: 'specs/custom-command.yaml specs/dashboard.yaml', args: `--now 2026-02-16T01:06:00Z` }, { workspace: root });
    expect([run.code, run.outputs]).toEqual([0, { 'exit-code': '0', decision: '' }]);
    expect(rollgateStep(run).stdout).toMatch(/^\S+ custom-command check 1: WAIT canary-1 \(5%\): all gates pass.*\n\S+ dashboard check 1: WAIT canary-1 \(5%\)/);
    expect(readdirSync(join(root, '.rollgate')).sort()).toEqual(['custom-command', 'dashboard']);
    const held = runAction(action, { command: 'run', specs: 'specs/custom-command.yaml', args: `--once --now ${STALE_NOW}` }, { workspace: rolloutRoot('stale') });
    expect([held.code, held.outputs['exit-code']]).toEqual([1, '1']);
    const status = runAction(action, { command: 'status', specs: SPEC, args: `--now ${FRESH_NOW}` }, { workspace: root });
    expect(status.code).toBe(0);
    expect(rollgateStep(status).stdout).toMatch(/custom-command/);
  });

  it('a command input that is not a command is refused before anything runs (64)', () => {
    const { root, run } = inWorkspace({ command: 'evaluate; touch pwned', specs: SPEC });
    expect([run.code, run.outputs]).toEqual([64, { 'exit-code': '64', decision: '' }]);
    expect(run.stdout).toMatch(/^::error title=rollgate action::command `evaluate; touch pwned` is not a rollgate command$/m);
    expect(existsSync(join(root, 'pwned'))).toBe(false);
    // Arguments are data too: split on white space, never run or globbed.
    mkdirSync(join(root, 'x'));
    const args = runAction(action, { command: 'validate', specs: SPEC, args: '$(touch pwned) *' }, { workspace: root });
    expect(args.code).toBe(66);
    expect(annotations(rollgateStep(args).stdout).map((l) => /^::error file=([^,]*),title=rollgate missing-file::/.exec(l)?.[1])).toEqual(['$(touch', 'pwned)', '*']);
    expect(existsSync(join(root, 'pwned'))).toBe(false);
  });
});
