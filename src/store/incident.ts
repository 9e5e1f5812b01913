/** An incident bundle (incident-bundle.ts) written into the file store: `incidents/<instant>/`. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DecisionRecord } from '../engine/record.js';
import type { RolloutState } from '../engine/state.js';
import type { Spec } from '../spec/types.js';
import { isoOf } from '../time/instant.js';
import { collectIncident, type IncidentBundle } from './incident-bundle.js';
import { makeDirs } from './make-dirs.js';
import { writeFailure } from './store-error.js';

export function writeIncident(dir: string, spec: Spec, record: DecisionRecord, before: RolloutState | null, resolveDir: (stateDir: string) => string): string {
  const folder = join(dir, isoOf(record.evaluated_unix_ms).replace(/:/g, '-'));
  try {
    makeDirs(folder);
    // Every surface gets its folder, even when nothing of it could be copied (the manifest says why).
    for (const surface of spec.surfaces) makeDirs(join(folder, surface.name));
    writeBundle(folder, collectIncident(spec, record, before, resolveDir));
  } catch (err) {
    throw writeFailure(err, folder);
  }
  return folder;
}

/** The files of a bundle under `folder` (which exists). */
export function writeBundle(folder: string, bundle: IncidentBundle): void {
  for (const [name, bytes] of bundle.files) {
    makeDirs(dirname(join(folder, name)));
    writeFileSync(join(folder, name), bytes);
  }
}
