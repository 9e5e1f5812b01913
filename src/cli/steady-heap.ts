/**
 * A long replay (simulate) or a long run (`run` over thousands of rollouts, or for days)
 * allocates fast and keeps little (a check's values die with the check), yet V8 doubles its
 * young generation each time as many bytes have survived scavenges as it holds, up to 32 MiB of
 * semi-spaces it never gives back: peak RSS grew with the number of checks (79 MB at 10,000,
 * 150 MB at 1,000,000) while the live heap stayed at 8 MB. With growth off the young generation
 * keeps its starting size and RSS stays flat; a scavenge of it costs no more per byte. V8 reads
 * the factor at each growth, so setting it at run time works, and, unlike a command-line flag,
 * leaves the code cache valid.
 */
import { setFlagsFromString } from 'node:v8';

export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
