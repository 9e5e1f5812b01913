/**
 * The CI and scheduler recipes of docs/ci/ (and action.yml): each parses as what it is (YAML,
 * a crontab, systemd units), has the fields that make it right (a Forbid CronJob, JUnit reports,
 * a pull_request + schedule workflow, a oneshot service and its timer), and every rollgate
 * command in it runs against the fixtures with the exit code the recipe expects.
 *
 * The recipes are written for a deployment directory `/srv/rollouts` (specs/, the producers'
 * .tau/ state, the store .rollgate/) and a `rollgate` on PATH (/usr/local/bin); the test maps
 * those onto a scratch copy (rollout-root.ts) and a shim that runs this checkout's CLI, and
 * `npx rollgate` onto that shim (the recipes' `npm ci` is not run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cleanEnv, loadAction, runAction, substitute, type ActionRun } from './composite.js';
import { parseXml, rollgateShim, rolloutRoot } from './rollout-root.js';

const CI = join(ROOT, 'docs/ci');
const read = (name: string) => readFileSync(join(CI, name), 'utf8');
const YAML_FILES = readdirSync(CI).filter((n) => /\.ya?ml$/.test(n)).sort();
const SHIM = rollgateShim();
const action = loadAction();

// --- The recipes as data ---------------------------------------------------------------------

/** A parsed recipe, read field by field (the assertions say what each must hold). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

interface CronLine {
  line: number;
  schedule: string;
  command: string;
}

function parseCrontab(text: string): { env: Record<string, string>; jobs: CronLine[] } {
  const env: Record<string, string> = {};
  const jobs: CronLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const assignment = /^([A-Za-z_]\w*)\s*=\s*(.*)$/.exec(line);
    if (assignment) {
      env[assignment[1]!] = assignment[2]!.replace(/^"(.*)"$/, '$1');
      return;
    }
    const job = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S.*)$/.exec(line);
    if (!job) throw new Error(`crontab line ${i + 1}: neither NAME=value nor five fields and a command: ${line}`);
    jobs.push({ line: i + 1, schedule: job.slice(1, 6).join(' '), command: job[6]! });
  });
  return { env, jobs };
}

type Unit = Record<string, Record<string, string[]>>;

/** systemd's unit syntax: [Section], Key=Value (a key may repeat), # and ; comments. */
function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section: Record<string, string[]> | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const head = /^\[([A-Za-z]+)\]$/.exec(line);
    if (head) {
      if (unit[head[1]!]) throw new Error(`line ${i + 1}: [${head[1]}] twice`);
      section = unit[head[1]!] = {};
      return;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`line ${i + 1}: not Key=Value inside a [Section]: ${line}`);
    (section[kv[1]!] ??= []).push(kv[2]!);
  });
  return unit;
}

const workflow = parse(read('github-actions.yml')) as Json;
const gitlab = parse(read('gitlab-ci.yml')) as Json;
const cronjob = parse(read('cronjob.yaml')) as Json;
const crontab = parseCrontab(read('crontab'));
const service = parseUnit(read('rollgate.service'));
const timer = parseUnit(read('rollgate.timer'));

/** Every five minutes, on the clock: the specs' own schedule.cron. */
function everyFiveMinutes(expression: string) {
  const it = CronExpressionParser.parse(expression, { currentDate: new Date('2026-02-16T09:01:00Z'), tz: 'UTC' });
  expect([it.next().toISOString(), it.next().toISOString(), it.next().toISOString()], expression).toEqual(['2026-02-16T09:05:00.000Z', '2026-02-16T09:10:00.000Z', '2026-02-16T09:15:00.000Z']);
}

describe('docs/ci: each recipe parses and says what it must', () => {
  it.each([...YAML_FILES, '../../action.yml'])('%s is YAML without errors or warnings', (name) => {
    const docs = parseAllDocuments(readFileSync(join(CI, name), 'utf8'), { uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [docs];
    expect(list.length).toBeGreaterThan(0);
    for (const doc of list) expect([...doc.errors, ...doc.warnings].map((e) => e.message)).toEqual([]);
  });

  it('docs/ci holds the recipes the README explains', () => {
    expect(readdirSync(CI).sort()).toEqual(['README.md', 'cronjob.yaml', 'crontab', 'github-actions.yml', 'gitlab-ci.yml', 'rollgate.service', 'rollgate.timer']);
    const readme = read('README.md');
    for (const name of readdirSync(CI).filter((n) => n !== 'README.md')) expect(readme, name).toContain(`(${name})`);
    expect(readme).toContain('(../../action.yml)');
  });

  it('github-actions.yml: validate + test on pull requests, a deploy gated on evaluate, a scheduled run', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push', 'schedule']));
    expect(workflow.on.schedule).toHaveLength(1);
    everyFiveMinutes(workflow.on.schedule[0].cron);
    const uses = (job: string) => (workflow.jobs[job].steps as Json[]).filter((s) => /\/rollgate@/.test(s.uses ?? '')).map((s) => s.with);
    expect(uses('specs').map((w) => w.command)).toEqual(['validate', 'test']);
    expect(workflow.jobs.specs.if).toContain("'pull_request'");
    expect(uses('deploy')).toEqual([expect.objectContaining({ command: 'evaluate' })]);
    expect(workflow.jobs.deploy.needs).toBe('specs');
    expect(workflow.jobs.checks.if).toContain("'schedule'");
    expect(uses('checks')).toEqual([expect.objectContaining({ command: 'run', args: expect.stringContaining('--no-fail') })]);
    // Every `uses:` is checkout or rollgate's action, with inputs action.yml declares.
    for (const job of Object.values(workflow.jobs) as Json[]) {
      for (const step of job.steps as Json[]) {
        if (step.uses === undefined) continue;
        expect(step.uses).toMatch(/^actions\/checkout@v\d+$|^your-org\/rollgate@v\d/);
        if (/rollgate/.test(step.uses)) for (const key of Object.keys(step.with)) expect(Object.keys(action.inputs)).toContain(key);
      }
    }
  });

  it('gitlab-ci.yml: JUnit reports (rollgate.xml) kept when the job fails, a scheduled checks job', () => {
    expect(gitlab['rollgate-specs'].script).toContainEqual(expect.stringMatching(/--format junit > rollgate\.xml$/));
    expect(gitlab['rollgate-specs'].artifacts).toEqual({ when: 'always', reports: { junit: 'rollgate.xml' } });
    expect(gitlab['rollgate-gate'].artifacts.reports.junit).toBe('rollgate-gate.xml');
    expect(gitlab.deploy.needs).toEqual(['rollgate-gate']);
    expect(gitlab['rollgate-checks'].rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    for (const job of ['rollgate-specs', 'rollgate-gate', 'rollgate-checks']) expect(gitlab[job].extends).toBe('.rollgate');
    expect(gitlab['.rollgate'].image).toMatch(/^node:2\d/);
    for (const [name, job] of Object.entries(gitlab) as [string, Json][]) if (job.stage) expect(gitlab.stages, name).toContain(job.stage);
  });

  it('crontab: five fields (every 5 minutes) and a command, run --once under flock, logged', () => {
    expect(crontab.jobs).toHaveLength(1);
    const [job] = crontab.jobs;
    everyFiveMinutes(job!.schedule);
    expect(job!.command).toMatch(/^cd \/srv\/rollouts && flock -n \S+ rollgate run --once .* >> \/var\/log\/rollgate\/run\.log 2>&1$/);
    expect(job!.command, 'cron reads % as a newline').not.toContain('%');
    expect(crontab.env.PATH!.split(':')).toContain('/usr/local/bin');
  });

  it('rollgate.service + rollgate.timer: a oneshot run --once --no-fail, every 5 minutes, enabled by timers.target', () => {
    expect(Object.keys(service)).toEqual(['Unit', 'Service']);
    expect(service.Service).toMatchObject({ Type: ['oneshot'], WorkingDirectory: ['/srv/rollouts'] });
    expect(service.Service!.ExecStart).toEqual([expect.stringMatching(/^\/usr\/local\/bin\/rollgate run --once --no-fail specs\//)]);
    expect(Object.keys(timer)).toEqual(['Unit', 'Timer', 'Install']);
    expect(timer.Timer).toMatchObject({ OnCalendar: ['*:0/5'], Persistent: ['true'], Unit: ['rollgate.service'] });
    expect(timer.Install).toEqual({ WantedBy: ['timers.target'] });
  });

  it('systemd-analyze: the units verify, the calendar is every 5 minutes', () => {
    const cal = spawnSync('systemd-analyze', ['calendar', '--iterations=3', timer.Timer!.OnCalendar![0]!], { encoding: 'utf8' });
    expect(cal.status, cal.stderr).toBe(0);
    expect(cal.stdout).toContain('Normalized form: *-*-* *:00/5:00');
    // verify reads ExecStart's binary and WorkingDirectory: the mapped copies of both.
    const dir = tempDir('units');
    writeFileSync(join(dir, 'rollgate.service'), localize(read('rollgate.service'), rolloutRoot('fresh')));
    writeFileSync(join(dir, 'rollgate.timer'), read('rollgate.timer'));
    const verify = spawnSync('systemd-analyze', ['verify', './rollgate.service', './rollgate.timer'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect([verify.status, verify.stderr]).toEqual([0, '']);
  });

  it('cronjob.yaml: a Forbid CronJob every 5 minutes, --no-fail, a bounded retry, the store from a Secret', () => {
    expect([cronjob.apiVersion, cronjob.kind]).toEqual(['batch/v1', 'CronJob']);
    everyFiveMinutes(cronjob.spec.schedule);
    expect(cronjob.spec.concurrencyPolicy).toBe('Forbid');
    const job = cronjob.spec.jobTemplate.spec;
    expect(job.backoffLimit).toBeGreaterThanOrEqual(0);
    expect(job.backoffLimit).toBeLessThanOrEqual(2);
    expect(job.activeDeadlineSeconds, 'a Job ends before the next tick').toBeLessThan(300);
    expect(job.template.spec.restartPolicy).toBe('Never');
    const [container, ...others] = job.template.spec.containers as Json[];
    expect(others).toEqual([]);
    expect([...container!.command, ...container!.args]).toEqual(['rollgate', 'run', '--once', '--no-fail', 'specs/custom-command.yaml', 'specs/dashboard.yaml']);
    expect(container!.env).toContainEqual({ name: 'ROLLGATE_STORE', valueFrom: { secretKeyRef: { name: 'rollgate-store', key: 'url' } } });
    const volumes = new Set((job.template.spec.volumes as Json[]).map((v) => v.name));
    for (const mount of container!.volumeMounts as Json[]) expect(volumes, mount.name).toContain(mount.name);
  });
});

// --- Every rollgate command in the recipes, run ------------------------------------------------

interface Ran {
  code: number | null;
  /** stdout, stderr and whatever the command line redirected to files. */
  output: string;
  /** The files a `> file` redirected to, relative to the command's directory. */
  files: Record<string, string>;
  store: string;
  action?: ActionRun;
}

interface RecipeCommand {
  where: string;
  /** rollgate's arguments, the command first. */
  args: string[];
  run(root: string): Ran;
}

/** The recipes' paths onto a scratch deployment directory and the CLI shim. */
function localize(text: string, root: string): string {
  return text
    .replaceAll('/srv/rollouts', root)
    .replaceAll('/var/log/rollgate', join(root, 'var-log'))
    .replaceAll('/usr/local/bin', SHIM)
    .replace(/\bnpx rollgate\b/g, 'rollgate');
}

const INVOKES = /(?:^|[\s;&|(])(?:npx\s+)?rollgate\s+([a-z].*)$|bin\/rollgate\.js\s+([a-z].*)$/;

/** A shell line's rollgate arguments (up to a redirection or the end), words split on white space. */
function argsOf(line: string): string[] {
  const m = INVOKES.exec(line);
  if (!m) throw new Error(`no rollgate command in ${line}`);
  return (m[1] ?? m[2]!).split(/\s+(?:[12]?>>?|\||&&|;)/)[0]!.trim().split(/\s+/);
}

function env(root: string, extra: Record<string, string> = {}): Record<string, string> {
  const base = cleanEnv();
  return { ...base, PATH: `${SHIM}:${base.PATH ?? ''}`, HOME: join(root, 'home'), NO_COLOR: '1', ...extra };
}

function finish(r: { status: number | null; stdout: string; stderr: string; error?: Error }, cwd: string, line: string, store: string): Ran {
  if (r.error) throw new Error(`${line}: ${r.error.message}`);
  const files: Record<string, string> = {};
  for (const m of line.matchAll(/>>?\s*(\S+)/g)) {
    if (m[1]!.startsWith('&')) continue;
    const file = resolve(cwd, m[1]!);
    files[m[1]!] = existsSync(file) ? readFileSync(file, 'utf8') : '';
  }
  return { code: r.status, output: r.stdout + r.stderr + Object.values(files).join(''), files, store };
}

function shellCommand(where: string, line: string, opts: { shell: string; cwd: (root: string) => string; env?: Record<string, string> }): RecipeCommand {
  return {
    where,
    args: argsOf(line),
    run(root) {
      const cwd = opts.cwd(root);
      mkdirSync(cwd, { recursive: true });
      mkdirSync(join(root, 'var-log'), { recursive: true });
      const text = localize(line, root);
      const e = env(root, Object.fromEntries(Object.entries(opts.env ?? {}).map(([k, v]) => [k, localize(v, root)])));
      const r = spawnSync(opts.shell, ['-c', text], { cwd, env: e, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
      return finish(r, cwd, text, e.ROLLGATE_STORE ?? join(root, '.rollgate'));
    },
  };
}

function argvCommand(where: string, argv: string[], opts: { cwd: string; env: Record<string, string> }): RecipeCommand {
  if (!/(^|\/)rollgate$/.test(argv[0]!)) throw new Error(`${where}: ${argv[0]} is not rollgate`);
  return {
    where,
    args: argv.slice(1),
    run(root) {
      const e = env(root, Object.fromEntries(Object.entries(opts.env).map(([k, v]) => [k, localize(v, root)])));
      const [file, ...rest] = argv.map((a) => localize(a, root));
      const r = spawnSync(file!, rest, { cwd: localize(opts.cwd, root), env: e, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
      return finish(r, root, argv.join(' '), e.ROLLGATE_STORE ?? join(root, '.rollgate'));
    },
  };
}

/** The workflow's secrets, as the test provides them: a store directory of the scratch root. */
const secrets = (root: string): Record<string, string> => ({ ROLLGATE_STORE: join(root, 'shared-store') });

function workflowCommands(): RecipeCommand[] {
  const out: RecipeCommand[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs) as [string, Json][]) {
    (job.steps as Json[]).forEach((step, index) => {
      const where = `github-actions.yml jobs.${jobName}.steps[${index}]`;
      if (typeof step.run === 'string') {
        for (const line of (step.run as string).split('\n')) if (INVOKES.test(line)) out.push(shellCommand(where, line, { shell: 'bash', cwd: (root) => root }));
      }
      if (!/\/rollgate@/.test(step.uses ?? '')) return;
      const inputs = step.with as Record<string, string>;
      const args = [inputs.command ?? 'evaluate', ...(inputs.specs ?? '').split(/\s+/), ...(inputs.args ?? '').split(/\s+/)].filter(Boolean);
      if (args[0] === 'run' && !args.includes('--once')) args.splice(1, 0, '--once');
      out.push({
        where,
        args,
        run(root) {
          const fromSecrets = (expr: string) => (/^secrets\.\w+$/.test(expr) ? secrets(root)[expr.slice('secrets.'.length)] : undefined);
          const jobEnv = Object.fromEntries(Object.entries((job.env ?? {}) as Record<string, string>).map(([k, v]) => [k, substitute(v, fromSecrets)]));
          const given = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, localize(String(v), root)]));
          const run = runAction(action, given, { workspace: root, env: jobEnv, path: [SHIM] });
          return { code: run.code, output: run.stdout + run.stderr + run.summary, files: {}, store: jobEnv.ROLLGATE_STORE ?? join(root, '.rollgate'), action: run };
        },
      });
    });
  }
  return out;
}

function gitlabCommands(): RecipeCommand[] {
  const out: RecipeCommand[] = [];
  for (const [name, job] of Object.entries(gitlab) as [string, Json][]) {
    for (const key of ['before_script', 'script']) {
      ((job?.[key] ?? []) as string[]).forEach((line, i) => {
        if (INVOKES.test(line)) out.push(shellCommand(`gitlab-ci.yml ${name}.${key}[${i}]`, line, { shell: 'bash', cwd: (root) => root }));
      });
    }
  }
  return out;
}

function cronCommands(): RecipeCommand[] {
  // cron runs the line with $SHELL -c in the user's home directory, with the crontab's variables.
  return crontab.jobs.map((job) => shellCommand(`crontab:${job.line}`, job.command, { shell: crontab.env.SHELL ?? '/bin/sh', cwd: (root) => join(root, 'home'), env: crontab.env }));
}

function systemdCommands(): RecipeCommand[] {
  const s = service.Service!;
  const environment = Object.fromEntries((s.Environment ?? []).flatMap((e) => e.split(/\s+/)).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return (s.ExecStart ?? []).map((line, i) => argvCommand(`rollgate.service ExecStart[${i}]`, line.split(/\s+/), { cwd: s.WorkingDirectory![0]!, env: environment }));
}

function cronjobCommands(): RecipeCommand[] {
  return (cronjob.spec.jobTemplate.spec.template.spec.containers as Json[]).map((c) => {
    const environment: Record<string, string> = {};
    for (const e of c.env as Json[]) environment[e.name] = e.value ?? (e.valueFrom?.secretKeyRef ? '/srv/rollouts/shared-store' : '');
    return argvCommand(`cronjob.yaml containers.${c.name}`, [...c.command, ...c.args], { cwd: c.workingDir, env: environment });
  });
}

const COMMANDS = [...workflowCommands(), ...gitlabCommands(), ...cronCommands(), ...systemdCommands(), ...cronjobCommands()];

/** Validate and test do not read the producers' state; evaluate and run do, so both states are tried. */
const states = (c: RecipeCommand): ('fresh' | 'stale')[] => (['validate', 'test'].includes(c.args[0]!) ? ['fresh'] : ['fresh', 'stale']);

/** What the recipe means to exit with: a hold fails a check unless --no-fail says it is routine. */
function expectedCode(c: RecipeCommand, state: 'fresh' | 'stale'): number {
  const [command] = c.args;
  if (command === 'validate' || command === 'test' || c.args.includes('--no-fail')) return 0;
  if (command === 'evaluate' || command === 'run') return state === 'fresh' ? 0 : 1;
  throw new Error(`${c.where}: no expectation for rollgate ${command}`);
}

describe('docs/ci: every rollgate command runs against the fixtures with the exit code the recipe expects', () => {
  it('finds every rollgate command of every recipe', () => {
    expect(COMMANDS.map((c) => `${c.where}: rollgate ${c.args.join(' ')}`)).toEqual([
      'github-actions.yml jobs.specs.steps[1]: rollgate validate specs/ --strict',
      'github-actions.yml jobs.specs.steps[2]: rollgate test specs/ --require-coverage',
      'github-actions.yml jobs.deploy.steps[1]: rollgate evaluate specs/custom-command.yaml --root /srv/rollouts --dry-run',
      'github-actions.yml jobs.checks.steps[1]: rollgate run --once specs/custom-command.yaml specs/dashboard.yaml --root /srv/rollouts --no-fail',
      'gitlab-ci.yml rollgate-specs.script[0]: rollgate validate --strict specs/',
      'gitlab-ci.yml rollgate-specs.script[1]: rollgate test specs/ --require-coverage --format junit',
      'gitlab-ci.yml rollgate-gate.script[0]: rollgate evaluate specs/custom-command.yaml --root /srv/rollouts --dry-run --format junit',
      'gitlab-ci.yml rollgate-checks.script[0]: rollgate run --once --no-fail specs/custom-command.yaml specs/dashboard.yaml --root /srv/rollouts',
      `crontab:${crontab.jobs[0]!.line}: rollgate run --once specs/custom-command.yaml specs/dashboard.yaml`,
      'rollgate.service ExecStart[0]: rollgate run --once --no-fail specs/custom-command.yaml specs/dashboard.yaml',
      'cronjob.yaml containers.rollgate: rollgate run --once --no-fail specs/custom-command.yaml specs/dashboard.yaml',
    ]);
    // A `run` without --once is a service: no recipe here is one.
    for (const c of COMMANDS) if (c.args[0] === 'run') expect(c.args, c.where).toContain('--once');
  });

  it.each(COMMANDS.map((c) => [`${c.where}: ${c.args[0]}`, c] as const))('%s', (_, c) => {
    for (const state of states(c)) {
      const root = rolloutRoot(state);
      const ran = c.run(root);
      const label = `${c.where} (${state} state): ${ran.output.slice(-2000)}`;
      expect(ran.code, label).toBe(expectedCode(c, state));
      const [command] = c.args;
      if (command === 'evaluate' || command === 'run') {
        // The check read the scratch root's state, and says what it decided.
        expect(ran.output, label).toMatch(state === 'fresh' ? /\bwait\b/i : /\bhold\b/i);
        const journal = join(ran.store, 'custom-command/decisions.jsonl');
        if (c.args.includes('--dry-run')) expect(existsSync(journal), `${label}: a dry run writes nothing`).toBe(false);
        else expect(readFileSync(journal, 'utf8').trim().split('\n'), `${label}: journaled in ${ran.store}`).toHaveLength(1);
      }
      if (command === 'validate') expect(ran.output, label).toMatch(/4 specs checked: 4 valid, 0 invalid \(0 errors, 0 warnings\)/);
      if (command === 'test' && !c.args.includes('junit')) expect(ran.output, label).toMatch(/69 cases: 69 passed, 0 failed; coverage 53\/53/);
      if (c.args.includes('junit')) {
        const [file, xml] = Object.entries(ran.files)[0] ?? [];
        expect(file, label).toMatch(/\.xml$/);
        const doc = parseXml(xml!);
        expect(doc.name).toBe('testsuites');
        expect(doc.children.length).toBeGreaterThan(0);
        for (const suite of doc.children) expect(suite.name).toBe('testsuite');
        if (command === 'test') expect([doc.attributes.failures, doc.attributes.errors, Number(doc.attributes.tests)]).toEqual(['0', '0', 69]);
        if (command === 'evaluate') expect(doc.children[0]!.attributes.name).toMatch(state === 'fresh' ? /: wait \(canary-1\)$/ : /: hold \(canary-1\)$/);
      }
    }
  });

  it("the workflow's deploy step runs only after the gate passes, and sees its decision", () => {
    const gate = COMMANDS.find((c) => c.where === 'github-actions.yml jobs.deploy.steps[1]')!;
    const deploy = (workflow.jobs.deploy.steps as Json[])[2]!;
    expect([deploy.name, deploy.if]).toEqual(['Deploy', undefined]); // runs when every step before it succeeded
    for (const [state, code, decision] of [['fresh', 0, 'wait'], ['stale', 1, 'hold']] as const) {
      const ran = gate.run(rolloutRoot(state)).action!;
      expect([state, ran.code, ran.outputs]).toEqual([state, code, { 'exit-code': String(code), decision }]);
      const steps: Record<string, Record<string, string>> = { gate: ran.outputs };
      const value = substitute(deploy.env.DECISION, (e) => {
        const m = /^steps\.(\w+)\.outputs\.([\w-]+)$/.exec(e);
        return m ? steps[m[1]!]?.[m[2]!] : undefined;
      });
      expect(value).toBe(decision);
    }
  });
});
