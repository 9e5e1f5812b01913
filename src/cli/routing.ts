/** `rollgate routing <spec> [--set N --reason R]`: the weights in effect, or set by hand. */
import { runRouting } from '../runner/run-routing.js';
import { renderRoutingJson, renderRoutingText } from '../report/routing.js';
import { emit } from './emit.js';
import { defaultActor } from '../runner/run-control.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface RoutingCliOptions extends PlaceOptions {
  set?: string;
  reason?: string;
  actor?: string;
  format: 'text' | 'json';
}

export function runRoutingCommand(specFile: string, options: RoutingCliOptions): Promise<number> {
  return withExitCodes('routing', async () => {
    let set: { canary: number; actor: string; reason: string } | undefined;
    if (options.set !== undefined) {
      if (!/^\d{1,3}$/.test(options.set) || Number(options.set) > 100) throw new ExitError(`--set ${options.set}: give the canary's percent of traffic, a whole number from 0 to 100`, EXIT.USAGE);
      if (!options.reason || options.reason.trim() === '') throw new ExitError('--set needs --reason "…": a weight set by hand is audited with why', EXIT.USAGE);
      set = { canary: Number(options.set), actor: options.actor ?? defaultActor(), reason: options.reason.trim() };
    }
    const spec = loadSpecOrExit(specFile);
    const run = await runRouting(spec, { ...placeOf(options), ...(set ? { set } : {}) });
    if (!run.ok) throw new ExitError(run.message, set ? 1 : EXIT.USAGE);
    const report = { rollout: spec.name, standing: run.standing, set: run.set };
    emit(options.format === 'json' ? renderRoutingJson(report) : renderRoutingText(report));
    return run.standing.error !== null ? 1 : EXIT.OK;
  });
}
