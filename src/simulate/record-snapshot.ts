/**
 * `evaluate --record DIR`: what a live check read, saved as one snapshot of a recorded timeline
 * (`DIR/<instant>/`, the layout `simulate --record` writes and `recorded: { dir }` replays):
 * each surface's state directory and each input file at its path under the root, and the real
 * metric answers in `rollgate-metrics.json`. Replaying the folder gives the same judgement.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { MetricObservation, Observations } from '../engine/observations.js';
import type { Spec } from '../spec/types.js';
import { resolveIn } from '../observe/paths.js';
import { RECORDED_METRICS, snapshotName } from './simulate.js';
import type { ScriptedMetric } from './timeline.js';

/** Writes the snapshot; returns a note for the record (where it went, what could not be kept). */
export function recordSnapshot(spec: Spec, root: string, obs: Observations, nowMs: number, dir: string): string {
  const snapshot = join(dir, snapshotName(nowMs));
  mkdirSync(snapshot, { recursive: true });
  const left: string[] = [];
  const keep = (path: string, what: string) => {
    // Only paths inside the root have a place in a replayable tree.
    const rel = normalize(path);
    if (isAbsolute(rel) || rel.startsWith('..')) return left.push(`${what} (${path} is outside the root)`);
    const from = resolveIn(root, rel);
    if (!existsSync(from)) return;
    mkdirSync(dirname(join(snapshot, rel)), { recursive: true });
    cpSync(from, join(snapshot, rel), { recursive: true, filter: (src) => !src.includes('/.rollgate') });
  };
  for (const s of spec.surfaces) keep(s.stateDir, `surface \`${s.name}\``);
  for (const i of spec.inputs) keep(i.file, `input \`${i.name}\``);
  if (spec.metrics.length > 0) {
    const answers: Record<string, ScriptedMetric> = {};
    for (const m of spec.metrics) answers[m.name] = scripted(obs.metrics?.[m.name]);
    writeFileSync(join(snapshot, RECORDED_METRICS), JSON.stringify(answers, null, 2) + '\n');
  }
  return `recorded what this check read in ${snapshot}${left.length ? `; not kept: ${left.join(', ')}` : ''}`;
}

/** A live answer as a timeline scripts it: the value judged, no data, NaN/Inf, or the error. */
function scripted(o: MetricObservation | undefined): ScriptedMetric {
  if (!o) return { error: 'was not queried at this check' };
  if (!o.ok) return { error: o.error };
  if (o.kind === 'empty') return null;
  if (o.kind === 'nan') return 'NaN';
  if (o.kind === 'inf') return '+Inf';
  return o.value;
}
