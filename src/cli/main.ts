/**
 * The `rollgate` command line. Each command's module is imported only when that command runs,
 * so start-up stays cheap (a check runs every few minutes from cron and CI).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { VALIDATE_FORMATS } from '../report/validation/index.js';
import { SURFACE_KINDS } from '../observe/surface-kind.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

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
    .description('check specs against the schema and the semantic rules (unknown keys, var paths, operators, durations, cron, time zones, references)')
    .argument('<spec...>', 'spec files, or directories whose *.yaml files are specs')
    .addOption(new Option('--format <format>', 'output format').choices(VALIDATE_FORMATS).default('text'))
    .addHelpText('after', `
Examples:
  rollgate validate specs/release.yaml
  rollgate validate specs/ --format github     # annotations on pull requests
  rollgate validate specs/*.yaml --format json

Exit: 0 all valid (warnings allowed), 65 any invalid, 66 a file is missing.`)
    .action(async (specs: string[], options: { format: (typeof VALIDATE_FORMATS)[number] }) => {
      const { runValidate } = await import('./validate.js');
      process.exitCode = await runValidate(specs, options);
    });

  program
    .command('inspect')
    .description("the producer-compatible status report of one surface's state directory (tau-formats §5), plus rollgate's extras")
    .argument('<stateDir>', 'directory holding state.json and runtime-events.jsonl, e.g. .tau/dashboard')
    .addOption(new Option('--surface <kind>', 'surface kind, when detection from state.json is not wanted').choices(SURFACE_KINDS))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--transport-health', 'print the transport-health view ({transport, target, state_path, health}) instead')
    .option('--stale-after <duration>', 'report the state stale (and the gate hold) when older than this, e.g. 15m')
    .option('--now <instant>', 'the current instant for staleness: ISO-8601 or unix ms (default: the clock)')
    .addHelpText('after', `
Examples:
  rollgate inspect .tau/dashboard
  rollgate inspect .tau/custom-command --format json
  rollgate inspect .tau/dashboard --transport-health --format json
  rollgate inspect .tau/voice --stale-after 15m

Exit: 0 the directory was read (whatever the health; an unreadable state.json is reported as
health unknown), 66 the directory does not exist, 64 usage error.`)
    .action(async (stateDir: string, options: import('./inspect.js').InspectOptions) => {
      const { runInspect } = await import('./inspect.js');
      process.exitCode = await runInspect(stateDir, options);
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
    process.stderr.write(`rollgate: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.INTERNAL;
  }
}

await main(process.argv);
