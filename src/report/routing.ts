/** `rollgate routing`: the weights a balancer has and the ones the phase wants, for people or scripts. */
import type { RoutingStanding } from '../runner/run-routing.js';
import type { Weights } from '../routing/router.js';
import { jsonText, textLines } from './escape.js';
import type { Renderer } from './renderer.js';

export interface RoutingReport {
  rollout: string;
  standing: RoutingStanding;
  /** The weights set by hand at this run (`--set`), or null. */
  set: Weights | null;
}

const split = (w: Weights) => `canary ${w.canary}% / stable ${w.stable}%`;

export const renderRoutingText: Renderer<RoutingReport> = ({ rollout, standing: s, set }) => {
  const lines = [`${rollout}: ${s.target}: ${s.actual ? split(s.actual) : s.error !== null ? `cannot read the weights: ${s.error}` : 'the weights cannot be read back (no `read` command)'}`];
  if (s.desired === null) lines.push("  the rollout has not started: its first check sets the first phase's weights");
  else {
    const same = s.actual !== null && s.actual.canary === s.desired.canary;
    lines.push(`  in ${s.phase}, which wants ${split(s.desired)}${s.actual === null ? '' : same ? ': as wanted' : ': the next check sets it'}`);
  }
  if (set) lines.push(`  set ${split(set)} by hand (audited); the next check sets the phase's weights again`);
  return { stdout: textLines(lines) };
};

export const renderRoutingJson: Renderer<RoutingReport> = ({ rollout, standing, set }) => ({ stdout: jsonText({ rollout, ...standing, set }, 2) + '\n' });
