/**
 * How V8 manages the heap, set per command at run time: after the code cache is read, and,
 * unlike a command-line flag, leaving it valid. V8 reads these flags each time it decides (to
 * grow the young generation, to start marking), so setting them late works.
 */
import { setFlagsFromString } from 'node:v8';
import type { Spec } from '../spec/types.js';

/**
 * A long replay (simulate) or a long run (`run` over thousands of rollouts, or for days)
 * allocates fast and keeps little (a check's values die with the check), yet V8 doubles its
 * young generation each time as many bytes have survived scavenges as it holds, up to 32 MiB of
 * semi-spaces it never gives back: peak RSS grew with the number of checks (79 MB at 10,000,
 * 150 MB at 1,000,000) while the live heap stayed at 8 MB. With growth off the young generation
 * keeps its starting size and RSS stays flat; a scavenge of it costs no more per byte.
 */
export function keepYoungGenerationSmall(): void {
  setRuntimeFlag('--semi-space-growth-factor=1');
}

/**
 * A check (`evaluate`) is over in a fraction of a second, and its process exits: what it keeps
 * (a wide check's thousands of gate results) stays alive to the end, and exit frees all of it.
 * V8 still starts incremental marking once the old generation comes within a young generation
 * of its first limit (9 of 17 MB in a wide check), and ends it with a full collection that
 * reclaims almost nothing: 4 to 8 ms of a 180 ms check, in most runs. With marking off, a full
 * collection happens only when the old generation reaches its limit; scavenges are unchanged.
 * Only for a spec whose phase makes thousands of gate results: a small check never comes near
 * the limit, and loading node:v8 to set the flag costs it 1.4 ms.
 */
export function collectOnlyAtTheLimit(spec: Spec): void {
  const results = Math.max(0, ...spec.phases.map((p) => p.gates.reduce((n, g) => n + (g.each?.length ?? 1), 0)));
  if (results >= MANY_RESULTS) setRuntimeFlag('--no-incremental-marking');
}

/** About 1 MB of gate results kept to the end of a check (a wide check's 20,000 keep 5). */
const MANY_RESULTS = 4000;

/**
 * Not in the build's warm-up (bin/rollgate.js, ROLLGATE_WRITE_CODE_CACHE): V8 stamps the cache
 * with the flags in force when it is written, and rejects it at every start whose flags differ
 * (every command then compiles from scratch, ~40 ms).
 */
function setRuntimeFlag(flag: string): void {
  if (process.env.ROLLGATE_WRITE_CODE_CACHE) return;
  setFlagsFromString(flag);
}
