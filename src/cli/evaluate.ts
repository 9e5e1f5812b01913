/** `rollgate evaluate <spec>`: one check; exit 0 promote/wait/complete, 1 hold, 2 rollback. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DECISION_RENDERERS, type EvaluateFormat } from '../report/decision/index.js';
import { runCheck } from '../runner/run-check.js';
import { emit } from './emit.js';
import { EXIT, EXIT_OF } from './exit-codes.js';
import { collectPair, ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface EvaluateOptions extends PlaceOptions {
  dryRun?: boolean;
  explain?: boolean;
  input?: string[];
  format: EvaluateFormat;
}

export function runEvaluate(specFile: string, options: EvaluateOptions): Promise<number> {
  return withExitCodes('evaluate', async () => {
    const spec = loadSpecOrExit(specFile);
    const place = placeOf(options);
    const inputFiles: Record<string, string> = {};
    for (const [name, file] of Object.entries((options.input ?? []).reduce<Record<string, string>>((acc, v) => collectPair(v, acc), {}))) {
      if (!spec.inputs.some((i) => i.name === name)) {
        throw new ExitError(`--input ${name}=…: the spec declares no input \`${name}\` (it has ${spec.inputs.map((i) => i.name).join(', ') || 'none'})`, EXIT.USAGE);
      }
      const path = resolve(file);
      if (!existsSync(path)) throw new ExitError(`--input ${name}=${file}: no such file`, EXIT.MISSING);
      inputFiles[name] = path;
    }
    const { record } = await runCheck(spec, { ...place, dryRun: options.dryRun ?? false, inputFiles });
    emit(DECISION_RENDERERS[options.format](record, { spec, explain: options.explain ?? false }));
    return EXIT_OF[record.decision];
  });
}
