/**
 * The `rollgate` command line. Each command's module is imported only when that command runs,
 * so start-up stays cheap (a check runs every few minutes from cron and CI).
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { exitHelp } from './exit-table.js';
import { errorLines, textLines } from '../report/escape.js';
import { VALIDATE_FORMATS } from '../report/validation/index.js';
import { SURFACE_KINDS } from '../tau/surface-kind.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** `--format`, text by default; the choices are checked by commander (64 for another). */
const formatOption = (choices: readonly string[], description = 'output format') =>
  new Option('--format <format>', description).choices(choices).default('text');

export function buildProgram(): Command {
  const program = new Command('rollgate')
    .description('Declarative canary rollouts: validate specs, check gates and triggers, decide promote / wait / hold / rollback.')
    .version(version, '-V, --version', 'print the rollgate version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText('after', `
Exit codes:
  0 promote, wait or complete (validate: all valid)   1 hold   2 rollback
  64 usage error   65 invalid spec or input data   66 a named file is missing
  70 internal error   73 store not writable   75 store locked

Docs: README.md, schemas/rollout-spec.schema.json`);

  program
    .command('validate')
    .addHelpText('after', exitHelp('validate'))
    .description('check specs against the schema and the semantic rules (unknown keys, var paths, operators, durations, cron, time zones, references)')
    .argument('<spec...>', 'spec files, directories whose *.yaml files are specs, or - for a spec on stdin')
    .addOption(formatOption(VALIDATE_FORMATS))
    .option('--strict', 'treat every warning as an error (exit 65), e.g. an undocumented reason code')
    .option('--no-fail', 'report everything and exit 0 for invalid specs too; a missing file still fails (66)')
    .addHelpText('after', `
Examples:
  rollgate validate specs/release.yaml
  rollgate validate specs/ --format github     # annotations on pull requests
  rollgate validate specs/*.yaml --format json
  rollgate validate --strict specs/            # in CI: warnings fail the job too
  rollgate validate specs/ --format sarif > rollgate.sarif   # for GitHub code scanning
  git show HEAD:specs/release.yaml | rollgate validate -

With --strict a warning makes its spec invalid (65) and shows as an error in every --format.`)
    .action(async (specs: string[], options: { format: (typeof VALIDATE_FORMATS)[number]; strict?: boolean }) => {
      const { runValidate } = await import('./validate.js');
      process.exitCode = runValidate(specs, options);
    });

  program
    .command('inspect')
    .addHelpText('after', exitHelp('inspect'))
    .description("the producer-compatible status report of one surface's state directory (tau-formats §5), plus rollgate's extras")
    .argument('<stateDir>', 'directory holding state.json and runtime-events.jsonl, e.g. .tau/dashboard')
    .addOption(new Option('--surface <kind>', 'surface kind, when detection from state.json is not wanted').choices(SURFACE_KINDS))
    .addOption(formatOption(['text', 'json']))
    .option('--transport-health', 'print the transport-health view ({transport, target, state_path, health}) instead')
    .option('--stale-after <duration>', 'report the state stale (and the gate hold) when older than this, e.g. 15m')
    .option('--now <instant>', 'the current instant for staleness: ISO-8601 or unix ms (default: the clock)')
    .addHelpText('after', `
Examples:
  rollgate inspect .tau/dashboard
  rollgate inspect .tau/custom-command --format json
  rollgate inspect .tau/dashboard --transport-health --format json
  rollgate inspect .tau/voice --stale-after 15m`)
    .action(async (stateDir: string, options: import('./inspect.js').InspectOptions) => {
      const { runInspect } = await import('./inspect.js');
      process.exitCode = await runInspect(stateDir, options);
    });

  const withRootStore = (cmd: Command) =>
    cmd
      .option('--root <dir>', 'where relative stateDir and input paths resolve (default: the working directory)')
      .option('--store <dir|url>', 'where rollout state lives: a directory (default: <root>/.rollgate), or postgres://user@host:port/db (also ROLLGATE_STORE)');
  const withPlace = (cmd: Command) => withRootStore(cmd).option('--now <instant>', 'the instant of the check: ISO-8601 with a zone, or unix ms (default: the clock)');

  withPlace(program
    .command('evaluate')
    .addHelpText('after', exitHelp('evaluate'))
    .description('one check of a rollout: decide promote, wait, hold, rollback or complete, and explain why')
    .argument('<spec>', 'the rollout spec'))
    .option('--dry-run', 'decide, print, and change nothing (no state, no journal, no hooks)')
    .option('--no-fail', 'exit 0 on hold and rollback too (the decision is still printed); errors (64 and up) still fail')
    .option('--explain', 'show the full trace of every gate and trigger')
    .option('--record <dir>', 'also save what this check read (state directories, inputs, metric answers) as <dir>/<instant>/, a snapshot that `simulate` replays as a recorded timeline')
    .option('--input <name=file>', 'read input <name> from <file> instead of the spec\'s path (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .addOption(formatOption(['text', 'json', 'junit', 'github', 'markdown', 'sarif', 'tap']))
    .addHelpText('after', `
Examples:
  rollgate evaluate specs/custom-command.yaml
  rollgate evaluate specs/release.yaml --now 2026-02-16T09:30:00Z --dry-run --explain
  rollgate evaluate specs/release.yaml --input harness=ci/harness.json --format github`)
    .action(async (spec: string, options: import('./evaluate.js').EvaluateOptions) => {
      const { runEvaluate } = await import('./evaluate.js');
      process.exitCode = await runEvaluate(spec, options);
    });

  withPlace(program
    .command('status')
    .addHelpText('after', exitHelp('status'))
    .description('where rollouts stand, surface health, and what a check would decide now; changes nothing')
    .argument('<spec...>', 'rollout specs (several: one row each, a table)'))
    .option('--watch', 'keep showing it until Ctrl-C or SIGTERM: redrawn on a terminal; elsewhere a new block only when something changed')
    .option('--interval <duration>', 'with --watch: how often to look (default 5s)')
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', `
Examples:
  rollgate status specs/release.yaml
  rollgate status specs/*.yaml                 # NAME STATUS PHASE TRAFFIC CHECKS LAST DECISION AGE NEXT
  rollgate status specs/*.yaml --watch --interval 10s
  rollgate status specs/*.yaml --format json   # an array, one status document per spec

--watch with --format json prints one document (or array) per line, each time something
changes. It stops on SIGINT or SIGTERM, exit 0.`)
    .action(async (specs: string[], options: import('./status.js').StatusOptions) => {
      const { runStatus } = await import('./status.js');
      process.exitCode = await runStatus(specs, options);
    });

  withRootStore(program
    .command('wait')
    .addHelpText('after', exitHelp('wait'))
    .description('block until a rollout reaches a phase (or a later one) or completes: for CI deploy jobs; reads the store only, unless --check')
    .argument('<spec>', 'the rollout spec'))
    .requiredOption('--for <target>', 'phase=NAME (that phase or any later one), or complete')
    .option('--timeout <duration>', 'give up after this long, exit 3, e.g. 2h (default: wait for ever)')
    .option('--interval <duration>', 'how often to read the store', '10s')
    .option('--check', "also run the checks on the spec's schedule.cron meanwhile (as `rollgate run` does, taking the lock per check)")
    .addOption(formatOption(['text', 'json'], 'one line per change (text) or one JSON object per line (json)'))
    .addHelpText('after', `
Examples:
  rollgate wait specs/api.yaml --for phase=canary-2 --timeout 2h    # a deploy job's next step
  rollgate wait specs/api.yaml --for complete --check --timeout 30h  # no \`rollgate run\` elsewhere

Prints one line each time the rollout's phase, status or decision changes (not one per poll),
then how the wait ended. Exit: 0 reached (a complete rollout has passed every phase), 2 rolled
back, 3 timed out; stopped by SIGINT or SIGTERM, it prints nothing more and exits 130 or 143.`)
    .action(async (spec: string, options: import('./wait.js').WaitCliOptions) => {
      const { runWait } = await import('./wait.js');
      process.exitCode = await runWait(spec, options);
    });

  withPlace(program
    .command('control')
    .addHelpText('after', exitHelp('control'))
    .description('steer a rollout by hand: pause, resume, abort (roll back now), promote (one phase now), retry (start again after a rollback), acknowledge (lost or unreadable event lines), reset-clock (after a clock jump forward)')
    .argument('<spec>', 'the rollout spec')
    .addArgument(new Argument('<action>', 'what to do').choices(['pause', 'resume', 'abort', 'promote', 'retry', 'acknowledge', 'reset-clock'])))
    .option('--full', 'with promote: straight to the last phase (general availability), overriding the gates of every phase between')
    .option('--reason <text>', 'why (required: it is recorded in the journal and the audit log)')
    .option('--actor <name>', 'who (default: the OS user)')
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', `
Examples:
  rollgate control specs/release.yaml pause --reason "waiting for the DB migration"
  rollgate control specs/release.yaml resume --reason "migration done" --actor alice
  rollgate control specs/release.yaml abort --reason "error budget burnt"
  rollgate control specs/release.yaml promote --reason "hotfix approved by the CAB"
  rollgate control specs/release.yaml retry --reason "fixed in 2026.02.2"
  rollgate control specs/release.yaml acknowledge --reason "log rotated away during the disk incident"
  rollgate control specs/release.yaml reset-clock --reason "check at 2026-03-01 ran with a wrong clock"

pause holds every check until resume (triggers still evaluate and can still roll back); abort
rolls back now (hooks, incident bundle); promote advances one phase now, skipping the rest of
its soak (recorded as an override); retry starts a rolled-back rollout from its first phase.
acknowledge accepts event lines that were lost or unreadable (checks hold while a rule reads
such a window): valid reason codes still count, only new doubt holds again, and the soak
restarts at this action. reset-clock undoes
a clock jump forward (every check holds as "clock skew" until the clock passes the last
check): checks are timed from now again and the soak restarts.
promote --full goes straight to the last phase (general availability), overriding the gates
of every phase between, like Argo Rollouts' promote --full.
Each action is appended to actions-audit.jsonl and to the decision journal; the decision it
leads to is printed.`)
    .action(async (spec: string, action: import('../engine/manual-action.js').ManualAction, options: import('./control.js').ControlCliOptions) => {
      const { runControlCommand } = await import('./control.js');
      process.exitCode = await runControlCommand(spec, action, options);
    });

  withRootStore(program
    .command('run')
    .addHelpText('after', exitHelp('run'))
    .description('check every spec on its own schedule.cron, as a long-running service (or once, for system cron)')
    .argument('<spec...>', 'rollout specs')
    .option('--once', 'check every due spec once and exit with the worst exit code (for system cron, CI schedules, Kubernetes CronJobs)')
    .option('--no-fail', 'with --once: exit 0 on holds and rollbacks too (a routine hold must not fail a CronJob); errors still fail')
    .option('--now <instant>', 'with --once: the instant to check at, ISO-8601 with a zone or unix ms (default: the clock)')
    .addOption(formatOption(['text', 'json'], 'one line per check (text) or one decision record per line (json)'))
    .addHelpText('after', `
Examples:
  rollgate run specs/*.yaml                      # a service: Ctrl-C or SIGTERM finishes the checks in flight
  */1 * * * * cd /srv/rollouts && rollgate run --once specs/*.yaml   # from system cron

Checks go to stdout; the scheduler's own log (skipped ticks, errors) to stderr. A spec is due when
it was never checked or a tick of its schedule passed since its last check; after a sleep, one
missed tick is caught up, not all of them. A tick that finds the previous check of the same
rollout still running is skipped. Many \`run\` processes on many hosts can share one store
(postgres://…): each tick of each rollout is checked once in all, by whichever process takes
the rollout's lock first; the others skip it (the lock holder's rivals exit 75 for it).`))
    .action(async (specs: string[], options: import('./run.js').RunOptions) => {
      const { runScheduler } = await import('./run.js');
      process.exitCode = await runScheduler(specs, options);
    });

  program
    .command('schedule')
    .addHelpText('after', exitHelp('schedule'))
    .description("the next check times of a spec's schedule.cron, in its time zone and in UTC")
    .argument('<spec>', 'the rollout spec')
    .option('--count <n>', 'how many times to list', '10')
    .option('--from <instant>', 'list the times after this instant: ISO-8601 or unix ms (default: now)')
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', `
Example:
  rollgate schedule specs/release.yaml --count 5 --from 2026-03-29T00:00:00Z`)
    .action(async (spec: string, options: import('./schedule.js').ScheduleOptions) => {
      const { runSchedule } = await import('./schedule.js');
      process.exitCode = await runSchedule(spec, options);
    });

  program
    .command('simulate')
    .addHelpText('after', exitHelp('simulate'))
    .description('replay a timeline (scripted or recorded) through the real observation code and engine, on a virtual clock')
    .argument('<spec>', 'the rollout spec')
    .requiredOption('--timeline <file>', 'the timeline (schemas/timeline.schema.json)')
    .option('--spec-b <other>', 'also replay another spec on the same timeline and show where they diverge')
    .option('--record <dir>', 'save the state at every check instant: a recorded timeline of this run')
    .addOption(formatOption(['text', 'json', 'markdown']))
    .addHelpText('after', `
Examples:
  rollgate simulate specs/custom-command.yaml --timeline fixtures/timelines/custom-command-healthy.yaml
  rollgate simulate specs/release.yaml --timeline t.yaml --spec-b specs/release-new.yaml
  rollgate simulate specs/release.yaml --timeline t.yaml --format json > records.json

Nothing outside a scratch directory is touched and no hook runs. Exit: 0, or 65 for an invalid
spec or timeline, 66 for a missing file.`)
    .action(async (spec: string, options: import('./simulate.js').SimulateCliOptions) => {
      const { runSimulate } = await import('./simulate.js');
      process.exitCode = await runSimulate(spec, options);
    });

  program
    .command('test')
    .addHelpText('after', exitHelp('test'))
    .description('run spec test cases: timelines replayed through the engine, with expected decisions, and gate/trigger coverage')
    .argument('[paths...]', 'test files, or directories searched for *.test.yaml (default: specs/ and test/specs/)')
    .addOption(formatOption(['text', 'json', 'junit', 'github', 'markdown', 'sarif', 'tap']))
    .option('--require-coverage', 'also fail (exit 1) unless every gate and trigger is tested both ways')
    .option('--no-fail', 'report everything and exit 0 when cases fail too; invalid or missing test files still fail')
    .addHelpText('after', `
Examples:
  rollgate test                                   # every *.test.yaml under specs/ and test/specs/
  rollgate test specs/release.test.yaml --require-coverage
  rollgate test --format junit > rollgate-tests.xml
  rollgate test --format github                   # annotations on the failing expectation's line

A test file names its spec (default: release.test.yaml tests release.yaml) and lists cases:
  cases:
    - name: queue depth 2 holds canary-1
      timeline: { until: 35m, surfaces: { custom-command: { health: { queue_depth: 2 } } } }
      expect:
        - { at: 30m, decision: hold, reason: queue-depth }
        - { never_promotes_before: 35m }
See schemas/spec-test.schema.json and README "Testing specs".`)
    .action(async (paths: string[], options: import('./test.js').TestCliOptions) => {
      const { runTestCommand } = await import('./test.js');
      process.exitCode = await runTestCommand(paths, options);
    });

  withRootStore(program
    .command('serve')
    .addHelpText('after', exitHelp('serve'))
    .description('serve the dashboard: the JSON API of DESIGN §7, a live event stream and a page, for the given rollouts')
    .argument('<spec...>', 'the rollout specs to show')
    .option('--port <port>', 'TCP port (0: a free one)', '8787')
    .option('--host <host>', 'address to bind; anything but loopback needs --token-file and --allowed-host', '127.0.0.1')
    .option('--allowed-host <name>', 'a Host header to answer besides loopback names, e.g. rollgate.example.com or rollgate.example.com:8787 (repeatable; required beyond loopback)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--token-file <file>', 'file holding the bearer token that actions need, at least 128 random bits (openssl rand -hex 32); default on loopback: a fresh token, printed at start')
    .option('--schedule', "also run each spec's scheduled checks in this process (like `rollgate run`)")
    .addHelpText('after', `
Examples:
  rollgate serve specs/release.yaml                      # http://127.0.0.1:8787/ (the token is printed)
  rollgate serve specs/*.yaml --schedule --token-file ~/.rollgate-token
  rollgate serve specs/*.yaml --host 0.0.0.0 --allowed-host rollgate.example.com --token-file ~/.rollgate-token
  curl -s 127.0.0.1:8787/dashboard/health
  curl -s -X POST 127.0.0.1:8787/dashboard/actions -H "Authorization: Bearer $(cat ~/.rollgate-token)" \\
       -d '{"action":"pause","rollout":"release","reason":"investigating INC-42"}'

Endpoints: GET / (the page), /dashboard/health, /dashboard/widgets, /dashboard/queue-timeline,
/dashboard/alerts, /dashboard/stream (SSE), POST /dashboard/actions (pause, resume, refresh, abort,
promote, retry; audited like rollgate control). Requests whose Host is neither a loopback name nor an
--allowed-host are refused (421). Stops on SIGINT or SIGTERM (exit 0).`))
    .action(async (specs: string[], options: import('./serve.js').ServeCliOptions) => {
      const { runServe } = await import('./serve.js');
      process.exitCode = await runServe(specs, options);
    });

  withRootStore(program
    .command('journal')
    .addHelpText('after', exitHelp('journal'))
    .description("list a rollout's decision history; --verify checks the hash chain and that rollout.json agrees with it")
    .argument('<spec>', 'the rollout spec')
    .option('--verify', 'check the hash chain, the check numbers and rollout.json against the last record (exit 65 when broken)')
    .option('--limit <n>', 'show only the last n records')
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', `
Examples:
  rollgate journal specs/release.yaml --limit 20
  rollgate journal specs/release.yaml --verify          # for auditors and after an incident
  rollgate journal specs/release.yaml --format json | jq '.records[] | select(.override)'`))
    .action(async (spec: string, options: import('./journal.js').JournalOptions) => {
      const { runJournal } = await import('./journal.js');
      process.exitCode = await runJournal(spec, options);
    });

  const store = program.command('store').description('set up and look after a store (the file store, or a shared PostgreSQL store)');
  withRootStore(store
    .command('init')
    .addHelpText('after', exitHelp('store init'))
    .description('create or upgrade what the store needs: the folder, or the rollgate schema in PostgreSQL (idempotent, safe from many hosts at once)'))
    .addHelpText('after', `
Examples:
  rollgate store init --store postgres://rollgate@db.internal:5432/rollouts
  ROLLGATE_STORE=postgres://rollgate@db.internal/rollouts rollgate store init

The password comes from the URL, PGPASSWORD or ~/.pgpass (as psql reads it) and is never
printed. Evaluators create the schema themselves when it is missing and they may; run this as
the database owner when they may not.`)
    .action(async (options: { root?: string; store?: string }) => {
      const { runStoreInit } = await import('./store.js');
      process.exitCode = await runStoreInit(options);
    });
  store
    .command('copy')
    .addHelpText('after', exitHelp('store copy'))
    .description("move rollouts with their whole history (state, hash-chained journal, audit lines, incidents) between stores, e.g. from a file store to PostgreSQL")
    .requiredOption('--from <dir|url>', 'the store to copy from')
    .requiredOption('--to <dir|url>', 'the store to copy into (it must not hold these rollouts yet)')
    .option('--rollout <name>', 'copy only this rollout (repeatable; default: every rollout)', (v: string, acc: string[] = []) => [...acc, v])
    .addHelpText('after', `
Examples:
  rollgate store copy --from .rollgate --to postgres://rollgate@db.internal/rollouts
  rollgate store copy --from postgres://rollgate@db.internal/rollouts --to /backup/rollgate --rollout release

The journal is copied as it is, line by line, so its hash chain verifies on both sides; a
source whose chain is broken is not copied. Stop the evaluators of a rollout while it moves.`)
    .action(async (options: import('./store.js').StoreCopyOptions) => {
      const { runStoreCopy } = await import('./store.js');
      process.exitCode = await runStoreCopy(options);
    });

  withRootStore(
    program
      .command('routing')
    .addHelpText('after', exitHelp('routing'))
      .description("the traffic weights a rollout's load balancer (`routing:`) has now and the ones its phase wants; or set them by hand, audited")
      .argument('<spec>', 'the rollout spec')
      .option('--set <percent>', "set the canary's share of traffic now (0-100); the next check sets the phase's weights again")
      .option('--reason <text>', 'why (required with --set: it is recorded in the audit log)')
      .option('--actor <name>', 'who (default: the OS user)')
      .addOption(formatOption(['text', 'json'], 'text for people, json for scripts')),
  )
    .addHelpText('after', `

Examples:
  rollgate routing specs/api.yaml
  rollgate routing specs/api.yaml --set 0 --reason "INC-42: drain the canary while we look"`)
    .action(async (specFile: string, options: import('./routing.js').RoutingCliOptions) => {
      const { runRoutingCommand } = await import('./routing.js');
      process.exitCode = await runRoutingCommand(specFile, options);
    });

  program
    .command('init')
    .addHelpText('after', exitHelp('init'))
    .description('write a commented starter spec that validates')
    .addOption(new Option('--surface <kind>', 'the kind of surface being rolled out').choices(SURFACE_KINDS).default('custom-command'))
    .addOption(new Option('--metrics <source>', 'also gate on what the service measures: an error-rate and a latency gate, and an error-rate trigger').choices(['prometheus']))
    .option('--name <name>', 'rollout name (default: the surface kind)')
    .option('--output <file>', 'where to write it, or - for stdout (default: specs/<name>.yaml)')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', `
Examples:
  rollgate init --surface dashboard --name dashboard-2026-02
  rollgate init --surface custom-command --metrics prometheus --name api
  rollgate init --surface voice --output - | less`)
    .action(async (options: import('./init.js').InitOptions) => {
      const { runInit } = await import('./init.js');
      process.exitCode = await runInit(options);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length <= 2) {
    // No command at all is a usage error (64), not a request for help.
    program.outputHelp({ error: true });
    process.exitCode = EXIT.USAGE;
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
      process.exitCode = ok ? EXIT.OK : EXIT.USAGE;
      return;
    }
    const [first, ...frames] = errorLines(err);
    process.stderr.write(textLines([`rollgate: internal error: ${first}`, ...frames]));
    process.exitCode = EXIT.INTERNAL;
  }
}

/** Settles when the command has finished (the build's code-cache warm-up waits for it). */
export const done = main(process.argv);
