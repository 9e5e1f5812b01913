/**
 * Daemons the tests start (HAProxy, nginx, Prometheus): foreground children in their own
 * process group (nginx's workers go with their master), a pid file for the reaper, the log in
 * server.log, killed when the test process exits. Each lives in a temporary directory of its
 * own with an `owner` file (`<pid> <host>`): a run killed before its teardown leaves servers
 * that the next run reaps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

// in server.log, killed when the test process exits.

const live = new Map<string, ChildProcess>();

/** Spawns `bin args` in `dir` and waits until `ready()`; throws with the log when it exits first. */
export async function startDaemon(dir: string, pidFile: string, bin: string, args: string[], ready: () => Promise<boolean>, readyWithinMs = 20_000): Promise<void> {
  if (live.has(dir)) throw new Error(`the server in ${dir} is already running`);
  installExitHook();
  const log = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  live.set(dir, child);
  child.once('exit', () => {
    if (live.get(dir) === child) live.delete(dir);
  });
  if (child.pid !== undefined) writeFileSync(join(dir, pidFile), `${child.pid}\n`);
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${bin} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${logTail(dir)}`);
    if (await ready()) return;
    if (Date.now() > deadline) {
      await stopDaemon(dir, 'SIGKILL');
      throw new Error(`${bin} was not ready within ${readyWithinMs / 1000} s:\n${logTail(dir)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends `signal` to the daemon's process group and waits for it to exit (SIGKILL after 10 s). */
export async function stopDaemon(dir: string, signal: NodeJS.Signals): Promise<void> {
  const child = live.get(dir);
  if (!child || child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    killGroup(child.pid, signal);
    const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  // A master gone by SIGKILL leaves its workers: the group goes with it.
  killGroup(child.pid, 'SIGKILL');
  live.delete(dir);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

let exitHookInstalled = false;

/** A worker that exits without afterAll still takes its servers with it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [dir, child] of live) {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * Stops and removes the servers of runs killed before their teardown: directories named
 * `<prefix>*` whose `owner` process is gone; a server's group is killed only if its command line
 * still names that directory (a reused pid is someone else's).
 */
export function reapStaleDaemons(prefix: string, pidFile: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    try {
      const [owner, host] = readFileSync(join(dir, 'owner'), 'utf8').trim().split(' ');
      if (host !== hostname() || alive(Number(owner))) continue;
    } catch {
      continue; // not ours, or still being made
    }
    try {
      const pid = Number(readFileSync(join(dir, pidFile), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 1 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) killGroup(pid, 'SIGKILL');
    } catch {
      // never started, or already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
