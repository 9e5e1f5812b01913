/** What commands that read a spec share: loading it (65/66), --root/--store/--now, store errors. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderDiagnostics } from '../report/diagnostic.js';
import { errorLines, safeLine, textLines } from '../report/escape.js';
import { loadSpecFile } from '../spec/load-spec.js';
import type { Spec } from '../spec/types.js';
import { StoreError } from '../store/store-error.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { parseNow } from './parse-now.js';

export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The spec, or an ExitError with the diagnostics already printed. */
export function loadSpecOrExit(file: string): Spec {
  const result = loadSpecFile(file);
  emit(renderDiagnostics(result.diagnostics));
  if (result.spec) return result.spec;
  throw new ExitError(`${file}: the spec is ${result.missing ? 'missing' : 'invalid'}; run \`rollgate validate ${file}\``, result.missing ? EXIT.MISSING : EXIT.INVALID);
}

export interface PlaceOptions {
  root?: string;
  store?: string;
  now?: string;
}

export function placeOf(options: PlaceOptions): { root: string; store: string; nowMs: number } {
  const root = resolve(options.root ?? '.');
  // Never a store, or anything else, made under a --root that is not there.
  let rootIsDir: boolean;
  try {
    rootIsDir = statSync(root).isDirectory();
  } catch {
    rootIsDir = false;
  }
  if (!rootIsDir) {
    throw new ExitError(`--root ${options.root ?? '.'}: ${existsSync(root) ? 'this is not a directory' : 'no such directory'}; give the existing directory where the spec's relative stateDir and input paths resolve (default: the working directory)`, EXIT.MISSING);
  }
  // A URL (`scheme://…`) names a shared store and stays as given; anything else is a directory.
  // ROLLGATE_STORE stands in for --store on every command that takes it.
  const given = options.store ?? (process.env.ROLLGATE_STORE || undefined);
  const store = given ? (/^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : resolve(given)) : resolve(root, '.rollgate');
  let nowMs: number;
  try {
    nowMs = options.now === undefined ? Date.now() : parseNow(options.now);
  } catch (err) {
    throw new ExitError((err as Error).message, EXIT.USAGE);
  }
  return { root, store, nowMs };
}

/** Runs a command body, turning known failures into their exit codes and a one-line message. */
export async function withExitCodes(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ExitError || err instanceof StoreError) {
      process.stderr.write(safeLine(`rollgate ${command}: ${err.message}`) + '\n');
      return err.exitCode;
    }
    const [first, ...frames] = errorLines(err);
    process.stderr.write(textLines([`rollgate ${command}: internal error: ${first}`, ...frames]));
    return EXIT.INTERNAL;
  }
}

export function collectPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new ExitError(`--input ${value}: write it as name=file`, EXIT.USAGE);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
