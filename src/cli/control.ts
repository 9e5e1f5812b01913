/** `rollgate control <spec> pause|resume|abort|promote|retry --reason R [--actor A]`: exit 0 once applied, 64 when refused. */
import type { ManualAction } from '../engine/manual-action.js';
import { DECISION_RENDERERS } from '../report/decision/index.js';
import { runControl } from '../runner/run-control.js';
import { emit } from './emit.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface ControlCliOptions extends PlaceOptions {
  reason?: string;
  actor?: string;
  /** With promote: straight to the last phase. */
  full?: boolean;
  format: 'text' | 'json';
}

export function runControlCommand(specFile: string, action: ManualAction, options: ControlCliOptions): Promise<number> {
  return withExitCodes('control', async () => {
    if (!options.reason || options.reason.trim() === '') {
      throw new ExitError(`${action} needs --reason "…": every manual action is recorded with why`, EXIT.USAGE);
    }
    if (options.full && action !== 'promote') throw new ExitError(`--full goes with promote (it skips to the last phase), not with ${action}`, EXIT.USAGE);
    if (options.full) action = 'promote-full';
    const spec = loadSpecOrExit(specFile);
    const place = placeOf(options);
    const result = await runControl(spec, action, { ...place, reason: options.reason.trim(), ...(options.actor ? { actor: options.actor } : {}) });
    if (!result.ok) throw new ExitError(`cannot ${action}: ${result.message}; nothing was changed`, EXIT.USAGE);
    emit(DECISION_RENDERERS[options.format](result.record, { spec, explain: false }));
    // Applied is success, whatever the rollout now decides (a pause holds, an abort rolls back):
    // `set -e` scripts and CI steps must not fail after an action that worked.
    return EXIT.OK;
  });
}
