/** The Tau source: each surface's state directory (state.json, control-state.json, the event log from its cursor). */
import { resolveIn } from './paths.js';
import { readSurfaceFiles } from './read-surface.js';
import type { ObservationSource } from './source.js';

export const tauSurfaces: ObservationSource = {
  name: 'tau state directories',
  observe({ spec, state, root }, into) {
    for (const s of spec.surfaces) {
      const files = readSurfaceFiles(resolveIn(root, s.stateDir), state?.surfaces[s.name]?.cursor ?? null);
      into.surfaces[s.name] = {
        state: files.state,
        control: files.control,
        events: { present: files.events.logPresent, cursor: files.events.cursor, notes: files.events.notes, unsettled: files.events.unsettled },
      };
    }
  },
};
