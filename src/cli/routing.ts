/** `rollgate routing <spec> [--set N --reason R]`: the weights in effect, or set by hand. */
import { runRouting, type RoutingStanding } from '../runner/run-routing.js';
import { defaultActor } from '../runner/run-control.js';
import { safeLine } from '../report/escape.js';
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
    const s = run.standing;
    if (options.format === 'json') {
      process.stdout.write(JSON.stringify({ rollout: spec.name, ...s, set: run.set }, null, 2) + '\n');
    } else {
      for (const line of textOf(spec.name, s, run.set)) process.stdout.write(`${safeLine(line)}\n`);
    }
    return s.error !== null ? 1 : EXIT.OK;
  });
}

function textOf(rollout: string, s: RoutingStanding, set: { canary: number; stable: number } | null): string[] {
  const split = (w: { canary: number; stable: number }) => `canary ${w.canary}% / stable ${w.stable}%`;
  const lines = [`${rollout}: ${s.target}: ${s.actual ? split(s.actual) : s.error !== null ? `cannot read the weights: ${s.error}` : 'the weights cannot be read back (no `read` command)'}`];
  if (s.desired === null) lines.push('  the rollout has not started: its first check sets the first phase\'s weights');
  else {
    const same = s.actual !== null && s.actual.canary === s.desired.canary;
    lines.push(`  ${s.phase ? `in ${s.phase}` : ''}, which wants ${split(s.desired)}${s.actual === null ? '' : same ? ': as wanted' : ': the next check sets it'}`);
  }
  if (set) lines.push(`  set ${split(set)} by hand (audited); the next check sets the phase's weights again unless the spec changes`);
  return lines;
}
