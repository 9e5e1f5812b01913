/** `rollgate control <spec> pause|resume|abort|promote|retry --reason R [--actor A]`. */
import type { ManualAction } from '../engine/manual-action.js';
import { DECISION_RENDERERS } from '../report/decision/index.js';
import { runControl } from '../runner/run-control.js';
import { emit } from './emit.js';
import { EXIT, EXIT_OF } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface ControlCliOptions extends PlaceOptions {
  reason?: string;
  actor?: string;
  format: 'text' | 'json';
}

export function runControlCommand(specFile: string, action: ManualAction, options: ControlCliOptions): Promise<number> {
  return withExitCodes('control', async () => {
    if (!options.reason || options.reason.trim() === '') {
      throw new ExitError(`${action} needs --reason "…": every manual action is recorded with why`, EXIT.USAGE);
    }
    const spec = loadSpecOrExit(specFile);
    const place = placeOf(options);
    const result = await runControl(spec, action, { ...place, reason: options.reason.trim(), ...(options.actor ? { actor: options.actor } : {}) });
    if (!result.ok) throw new ExitError(`cannot ${action}: ${result.message}; nothing was changed`, EXIT.USAGE);
    emit(DECISION_RENDERERS[options.format](result.record, { spec, explain: false }));
    return EXIT_OF[result.record.decision];
  });
}
