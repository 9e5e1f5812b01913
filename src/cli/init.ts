/** `rollgate init [--surface kind] [--name N] [--output FILE]`: writes a commented starter spec. */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { SurfaceKind } from '../tau/surface-kind.js';
import { safeLine } from '../report/escape.js';
import { loadSpecText } from '../spec/load-spec.js';
import { SCHEMA_DIR } from '../spec/schema-files.js';
import { starterSpec, type StarterMetrics } from '../spec/starter.js';
import { makeDirs } from '../store/make-dirs.js';
import { EXIT } from './exit-codes.js';
import { ExitError, withExitCodes } from './common.js';

export interface InitOptions {
  surface: SurfaceKind;
  /** Add metric gates and a trigger on this source. */
  metrics?: StarterMetrics;
  name?: string;
  output?: string;
  force?: boolean;
}

export function runInit(options: InitOptions): Promise<number> {
  return withExitCodes('init', async () => {
    const name = options.name ?? options.surface;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || name.length > 63) {
      throw new ExitError(`--name ${name}: use lower-case letters, digits and dashes, starting with a letter or digit`, EXIT.USAGE);
    }
    const output = options.output ?? `specs/${name}.yaml`;
    const toStdout = output === '-';
    const path = resolve(output);
    const schema = relative(toStdout ? process.cwd() : dirname(path), SCHEMA_DIR + 'rollout-spec.schema.json').split(sep).join('/');
    const text = starterSpec(options.surface, name, schema, options.metrics ?? null);
    // Never hand out a starter that does not validate.
    const check = loadSpecText(text, output);
    if (!check.spec || check.diagnostics.length > 0) throw new Error(`the starter spec does not validate: ${JSON.stringify(check.diagnostics)}`);
    if (toStdout) {
      process.stdout.write(text);
      return EXIT.OK;
    }
    if (existsSync(path) && !options.force) throw new ExitError(`${output} already exists; choose another --output, or --force to overwrite it`, EXIT.USAGE);
    // The folder of --output may be created (specs/ by default), its parent must exist.
    try {
      makeDirs(dirname(path), 1);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !existsSync(dirname(dirname(path)))) throw new ExitError(`--output ${output}: the directory ${dirname(dirname(path))} does not exist; create it first, or choose another --output (only the file's own folder is created)`, EXIT.MISSING);
      throw new ExitError(`--output ${output}: cannot create the folder ${dirname(path)} (${code ?? 'an error'}); choose another --output`, EXIT.STORE_NOT_WRITABLE);
    }
    try {
      writeFileSync(path, text);
    } catch (err) {
      throw new ExitError(`--output ${output}: cannot write it (${(err as NodeJS.ErrnoException).code ?? 'an error'}); choose another --output`, EXIT.STORE_NOT_WRITABLE);
    }
    process.stdout.write(`${safeLine(`wrote ${output}: a ${options.surface} canary rollout${options.metrics ? ` gated on ${options.metrics} metrics` : ''} (canary-1 5% -> canary-2 25% -> canary-3 50% -> general-availability 100%)`)}\n${safeLine(`next: edit stateDir${options.metrics ? ', the metric address and queries' : ''} and the gates, then \`rollgate validate ${output}\``)}\n`);
    return EXIT.OK;
  });
}
