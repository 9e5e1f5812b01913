/**
 * Every command's exit codes, in one place: `--help` prints them (exitHelp), README's table says
 * the same (test/cli/exit-codes.test.ts holds them together), and the tests assert each code.
 * Codes every command shares (64 usage, 70 internal; 65/73/75 where a store or spec is read)
 * are listed with the commands that can return them.
 */

export type CommandName =
  | 'validate' | 'inspect' | 'evaluate' | 'status' | 'control' | 'run' | 'schedule' | 'simulate'
  | 'test' | 'serve' | 'journal' | 'routing' | 'init' | 'store init' | 'store copy' | 'wait';

const USAGE: [number, string] = [64, 'usage error: an unknown option, a missing argument, an impossible --now'];
const INTERNAL: [number, string] = [70, 'internal error (a bug: please report it)'];
const STORE: [number, string][] = [[65, 'corrupt store data'], [73, 'the store cannot be written'], [75, 'another evaluator holds the rollout']];

export const EXIT_TABLE: Record<CommandName, [number, string][]> = {
  validate: [[0, 'every spec is valid (or --no-fail)'], [65, 'a spec is invalid (with --strict, any warning)'], [66, 'a named file is missing, or a directory holds no spec'], USAGE, INTERNAL],
  inspect: [[0, 'reported (whatever the surface says)'], [66, 'the state directory is missing'], USAGE, INTERNAL],
  evaluate: [[0, 'promote, wait or complete (with --no-fail: hold and rollback too)'], [1, 'hold'], [2, 'rollback'], [65, 'invalid spec, or corrupt store data'], [66, 'the spec or an --input file is missing'], [73, 'the store cannot be written'], [75, 'another evaluator holds the rollout'], USAGE, INTERNAL],
  status: [[0, 'reported (whatever the rollout decides)'], [65, 'invalid spec, or corrupt store data'], [66, 'the spec is missing'], USAGE, INTERNAL],
  control: [[0, 'the action was applied (the decision it leads to is printed)'], [64, 'refused: the action makes no sense now (nothing was changed), or a usage error'], ...STORE, [66, 'the spec is missing'], INTERNAL],
  run: [[0, 'every check promoted, waited or completed, or was skipped (with --once --no-fail: holds and rollbacks too); a service stopped by a signal'], [1, '--once: the worst check held'], [2, '--once: the worst check rolled back'], ...STORE, [66, 'a spec is missing'], USAGE, INTERNAL],
  schedule: [[0, 'listed'], [65, 'invalid spec'], [66, 'the spec is missing'], USAGE, INTERNAL],
  simulate: [[0, 'replayed (whatever it decided)'], [65, 'invalid spec or timeline'], [66, 'the spec or timeline is missing'], [73, '--record cannot be written'], USAGE, INTERNAL],
  test: [[0, 'every case passed (with --no-fail: failing cases too)'], [1, 'a case failed, or --require-coverage found a gap'], [65, 'a test file or its spec is invalid'], [66, 'a test file or its spec is missing, or a directory holds none'], USAGE, INTERNAL],
  serve: [[0, 'stopped by a signal'], [64, 'usage error, the port is in use, a non-loopback --host without --allowed-host, a weak token'], [65, 'invalid spec'], [66, 'a spec or --token-file is missing'], INTERNAL],
  journal: [[0, 'listed; with --verify, the journal verifies'], [65, '--verify: a broken chain, a gap, a missing audit line, or rollout.json disagreeing'], [66, 'the spec is missing'], USAGE, INTERNAL],
  routing: [[0, 'the weights were read (or set)'], [1, 'the weights cannot be read or set'], [64, 'the spec has no routing:, or a usage error'], [75, '--set: another evaluator holds the rollout'], INTERNAL],
  init: [[0, 'written'], [64, 'the file exists (without --force), or a bad --name'], [66, "--output's parent folder is missing"], [73, 'the file cannot be written'], INTERNAL],
  'store init': [[0, 'the store is ready'], [73, 'the store cannot be created or reached'], USAGE, INTERNAL],
  'store copy': [[0, 'copied'], [64, 'the target already has the rollout, or a usage error'], [65, 'corrupt data in the source'], [66, '--from is missing'], [73, 'the target cannot be written'], INTERNAL],
  wait: [[0, 'the rollout reached the phase, or completed'], [2, 'the rollout was rolled back'], [3, '--timeout passed first'], [65, 'invalid spec, or corrupt store data'], [66, 'the spec is missing'], USAGE, INTERNAL, [130, 'stopped by SIGINT (Ctrl-C) before it got there'], [143, 'stopped by SIGTERM before it got there']],
};

/** The `Exit codes:` block of a command's --help. */
export function exitHelp(command: CommandName): string {
  const rows = EXIT_TABLE[command];
  const width = Math.max(...rows.map(([code]) => String(code).length));
  return `\nExit codes:\n${rows.map(([code, meaning]) => `  ${String(code).padStart(width)}  ${meaning}`).join('\n')}\n`;
}
