/**
 * A composite GitHub Action run the way the runner runs it, for the steps a test can run: each
 * `run:` step's `${{ … }}` expressions replaced by their values (the runner substitutes them as
 * text before the shell starts), written to a file and run with the runner's `bash --noprofile
 * --norc -eo pipefail {0}`, in its working-directory, with GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files of its own; a failed step skips the rest. `uses:` steps (setup-node)
 * are skipped: the test process's own node is on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

export interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
}

export interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  'working-directory'?: string;
  env?: Record<string, string>;
}

export interface CompositeAction {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export const ACTION_FILE = join(ROOT, 'action.yml');

export function loadAction(file = ACTION_FILE): CompositeAction {
  return parse(readFileSync(file, 'utf8')) as CompositeAction;
}

export interface StepResult {
  name: string;
  /** Why the step did not run (a `uses:` step, or an earlier step failed); null when it ran. */
  skipped: string | null;
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionRun {
  /** The action's result as the job sees it: 0, or the exit code of the step that failed. */
  code: number;
  steps: StepResult[];
  outputs: Record<string, string>;
  /** Everything the steps appended to their step summaries. */
  summary: string;
  stdout: string;
  stderr: string;
}

export interface RunContext {
  /** github.action_path: where the action's files are (the repository root here). */
  actionPath?: string;
  /** GITHUB_WORKSPACE: where relative working directories resolve. */
  workspace: string;
  /** The job's environment (`env:` of the job or workflow), passed to every step. */
  env?: Record<string, string>;
  /** Directories put first on PATH. */
  path?: string[];
}

/** `${{ expr }}` → its value; an expression this emulation cannot evaluate fails the test. */
export function substitute(text: string, resolveExpr: (expr: string) => string | undefined): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (whole, expr: string) => {
    const value = resolveExpr(expr);
    if (value === undefined) throw new Error(`unsupported expression ${whole}`);
    return value;
  });
}

/** The runner's outputs file: `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`outputs file: ${heredoc[1]}<<${heredoc[2]} is never closed`);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`outputs file: line ${JSON.stringify(line)} is neither name=value nor name<<DELIMITER`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** The environment a step starts from: this process's, without any real runner's variables. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(GITHUB_|RUNNER_|ROLLGATE_|INPUT_)/.test(k) || k === 'CI') continue;
    env[k] = v;
  }
  return env;
}

export function runAction(action: CompositeAction, given: Record<string, string>, ctx: RunContext): ActionRun {
  for (const name of Object.keys(given)) {
    if (!(name in action.inputs)) throw new Error(`input \`${name}\` is not declared in action.yml`);
  }
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = given[name] ?? spec.default ?? '';
  const actionPath = ctx.actionPath ?? ROOT.replace(/\/$/, '');
  const runnerTemp = tempDir('runner-temp');
  const stepOutputs: Record<string, Record<string, string>> = {};
  const resolveExpr = (expr: string): string | undefined => {
    let m = /^inputs\.([\w-]+)$/.exec(expr);
    if (m) {
      if (!(m[1]! in inputs)) throw new Error(`\${{ ${expr} }}: no such input`);
      return inputs[m[1]!];
    }
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (m) return stepOutputs[m[1]!]?.[m[2]!] ?? '';
    return ({ 'github.action_path': actionPath, 'github.workspace': ctx.workspace, 'runner.temp': runnerTemp } as Record<string, string>)[expr];
  };

  const result: ActionRun = { code: 0, steps: [], outputs: {}, summary: '', stdout: '', stderr: '' };
  action.runs.steps.forEach((step, index) => {
    const name = substitute(step.name ?? step.uses ?? `step ${index + 1}`, resolveExpr);
    const skip = (why: string) => result.steps.push({ name, skipped: why, code: 0, stdout: '', stderr: '', outputs: {}, summary: '' });
    if (result.code !== 0) return skip('an earlier step failed');
    if (step.uses !== undefined) return skip(`uses ${step.uses}`);
    if (step.run === undefined) throw new Error(`step ${name}: neither run nor uses`);
    if (step.if !== undefined) throw new Error(`step ${name}: \`if:\` on a run step is not emulated`);
    if (step.shell !== 'bash') throw new Error(`step ${name}: shell ${step.shell}: a composite run step needs a shell, and these are bash`);
    const cwd = resolve(ctx.workspace, substitute(step['working-directory'] ?? '.', resolveExpr));
    if (!existsSync(cwd)) throw new Error(`step ${name}: working-directory ${cwd} does not exist`);
    const script = join(runnerTemp, `step-${index}.sh`);
    writeFileSync(script, substitute(step.run, resolveExpr));
    const outputFile = join(runnerTemp, `output-${index}`);
    const summaryFile = join(runnerTemp, `summary-${index}`);
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = substitute(String(v), resolveExpr);
    const base = cleanEnv();
    const env = {
      ...base,
      PATH: [...(ctx.path ?? []), base.PATH ?? ''].join(':'),
      NO_COLOR: '1',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: ctx.workspace,
      GITHUB_ACTION_PATH: actionPath,
      RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...ctx.env,
      ...stepEnv,
    };
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new Error(`step ${name} did not finish: ${r.error.message}`);
    const code = r.status ?? 128;
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    const summary = readFileSync(summaryFile, 'utf8');
    if (step.id) stepOutputs[step.id] = outputs;
    result.steps.push({ name, skipped: null, code, stdout: r.stdout, stderr: r.stderr, outputs, summary });
    result.summary += summary;
    result.stdout += r.stdout;
    result.stderr += r.stderr;
    if (code !== 0) result.code = code;
  });
  for (const [name, output] of Object.entries(action.outputs)) result.outputs[name] = substitute(output.value, resolveExpr);
  return result;
}
