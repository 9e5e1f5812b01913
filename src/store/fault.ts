/**
 * Named crash points for the fault-injection tests: with ROLLGATE_FAULT=<name>, the process
 * kills itself (SIGKILL, no cleanup, exactly like a power cut or OOM kill) when it reaches that
 * point (`before-audit`: a manual action committed, its audit line not yet written).
 * `disk-full` makes the journal append fail with ENOSPC instead. Unset, this is a no-op;
 * nothing else reads the variable.
 */
export type FaultPoint = 'after-stage' | 'mid-journal' | 'after-journal' | 'holding-lock' | 'before-audit';

export function faultPoint(name: FaultPoint): void {
  if (process.env.ROLLGATE_FAULT === name) process.kill(process.pid, 'SIGKILL');
}
