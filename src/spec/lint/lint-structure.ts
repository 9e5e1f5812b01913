/** Cross-references the schema cannot express: unique names, `each`, `phases`, `inherit`, traffic order. */
import { didYouMean } from '../suggest.js';
import { asArray, asRecord, isRecord, nameOf, type Reporter, type Segment } from './reporter.js';

export function lintStructure(report: Reporter): void {
  const spec = report.data;
  const surfaces = Object.keys(asRecord(spec.surfaces));
  const phases = asArray(spec.phases);
  const phaseNames = phases.map(nameOf).filter((n): n is string => n !== undefined);

  uniqueNames('phase', phases.map((p, i) => [nameOf(p), ['phases', i, 'name']]), report);
  uniqueNames('gate', phases.flatMap((p, i) => asArray(asRecord(p).gates).map((g, j) => [nameOf(g), ['phases', i, 'gates', j, 'name']] as const)), report);
  uniqueNames('trigger', asArray(spec.triggers).map((t, i) => [nameOf(t), ['triggers', i, 'name']]), report);

  let previousTraffic: number | undefined;
  phases.forEach((phase, i) => {
    const p = asRecord(phase);
    if (p.inherit === true && i === 0) {
      report.error('inherit-first-phase', `phase \`${nameOf(p) ?? '#1'}\` is the first phase, so it has no previous phase to inherit gates from; remove \`inherit\``, ['phases', i, 'inherit'], 'key');
    }
    if (typeof p.traffic === 'number') {
      if (previousTraffic !== undefined && p.traffic < previousTraffic) {
        report.error('traffic-decreases', `phase \`${nameOf(p)}\` sends ${p.traffic}% of traffic, less than the ${previousTraffic}% of the phase before it; traffic never decreases across phases`, ['phases', i, 'traffic']);
      }
      previousTraffic = p.traffic;
    }
    asArray(p.gates).forEach((gate, j) => {
      const g = asRecord(gate);
      const at: Segment[] = ['phases', i, 'gates', j];
      checkEach(g.each, [...at, 'each'], surfaces, report);
      checkPhaseList(g.phases, [...at, 'phases'], phaseNames, report);
      const own = nameOf(p);
      if (Array.isArray(g.phases) && own !== undefined && !g.phases.includes(own) && g.phases.every((n) => typeof n === 'string' && phaseNames.includes(n))) {
        report.warning('gate-not-in-own-phase', `gate \`${nameOf(g)}\` is declared in phase \`${own}\` but its \`phases\` list leaves that phase out, so it does not apply there`, [...at, 'phases']);
      }
    });
  });
  const last = asRecord(phases[phases.length - 1]);
  if (typeof last.traffic === 'number' && last.traffic < 100) {
    report.warning('final-traffic', `the last phase, \`${nameOf(last)}\`, sends ${last.traffic}% of traffic, so the rollout completes below 100%`, ['phases', phases.length - 1, 'traffic']);
  }

  asArray(spec.triggers).forEach((trigger, i) => {
    const t = asRecord(trigger);
    checkEach(t.each, ['triggers', i, 'each'], surfaces, report);
    checkPhaseList(t.phases, ['triggers', i, 'phases'], phaseNames, report);
  });

  const dirs = new Map<string, string>();
  for (const [name, surface] of Object.entries(asRecord(spec.surfaces))) {
    const s = asRecord(surface);
    if (typeof s.stateDir === 'string') {
      const other = dirs.get(s.stateDir);
      if (other !== undefined) {
        report.warning('shared-state-dir', `surfaces \`${other}\` and \`${name}\` read the same stateDir \`${s.stateDir}\``, ['surfaces', name, 'stateDir']);
      }
      dirs.set(s.stateDir, name);
    }
    if (isRecord(surface) && s.staleAfter === undefined) {
      report.warning('no-stale-after', `surface \`${name}\` has no \`staleAfter\`: if its runtime stops writing state.json, the last snapshot keeps looking current; add e.g. \`staleAfter: 15m\``, ['surfaces', name], 'key');
    }
  }
}

function uniqueNames(kind: string, entries: readonly (readonly [string | undefined, readonly Segment[]])[], report: Reporter): void {
  const first = new Map<string, readonly Segment[]>();
  for (const [name, path] of entries) {
    if (name === undefined) continue;
    const earlier = first.get(name);
    if (earlier) {
      report.error(`duplicate-${kind}-name`, `${kind} name \`${name}\` is used twice (first at line ${report.lineOf(earlier)}); ${kind} names must be unique in the spec${kind === 'gate' ? ', because inherited gates keep their names in decisions' : ''}`, path);
    } else {
      first.set(name, path);
    }
  }
}

function checkEach(each: unknown, at: readonly Segment[], surfaces: readonly string[], report: Reporter): void {
  if (!Array.isArray(each)) return;
  each.forEach((name, i) => {
    if (typeof name === 'string' && !surfaces.includes(name)) {
      report.error('unknown-surface', `\`each\` names surface \`${name}\`, which the spec does not declare under \`surfaces\`` + (didYouMean(name, surfaces) || `; declared surfaces: ${surfaces.map((s) => `\`${s}\``).join(', ')}`), [...at, i]);
    }
  });
}

function checkPhaseList(list: unknown, at: readonly Segment[], phaseNames: readonly string[], report: Reporter): void {
  if (!Array.isArray(list)) return;
  list.forEach((name, i) => {
    if (typeof name === 'string' && !phaseNames.includes(name)) {
      report.error('unknown-phase', `\`phases\` names phase \`${name}\`, which the spec does not have` + (didYouMean(name, phaseNames) || `; phases: ${phaseNames.map((s) => `\`${s}\``).join(', ')}`), [...at, i]);
    }
  });
}
