/** A phase (re)entered by a manual action starts its event windows at what the logs hold now. */
import type { Observations } from './observations.js';
import type { RolloutState } from './state.js';

export function phaseEntryAt(next: RolloutState, obs: Observations, nowMs: number): RolloutState {
  if (next.phase.entered_unix_ms !== nowMs || next.phase.checks !== 0) return next;
  const surfaces = { ...next.surfaces };
  for (const [name, seen] of Object.entries(obs.surfaces)) {
    const memory = surfaces[name];
    if (memory && memory.phase_entry === null) surfaces[name] = { ...memory, phase_entry: seen.events.cursor.tally, phase_entry_position: seen.events.cursor.position };
  }
  return { ...next, surfaces };
}
