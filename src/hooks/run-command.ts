/** A `run` hook: an argv started without a shell, with a timeout and ROLLGATE_* variables. */
import { spawn } from 'node:child_process';

export interface HookOutcome {
  ok: boolean;
  message: string;
}

/** Grace between SIGTERM and SIGKILL for a hook past its timeout. */
const KILL_GRACE_MS = 2000;

export function runCommand(argv: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<HookOutcome> {
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'], shell: false });
    } catch (err) {
      resolve({ ok: false, message: `could not start ${argv[0]}: ${(err as Error).message}` });
      return;
    }
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    }, opts.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ENOENT' ? 'no such program (paths are relative to --root)' : err.code === 'EACCES' ? 'not executable' : err.message;
      resolve({ ok: false, message: `could not start ${argv[0]}: ${why}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      if (timedOut) resolve({ ok: false, message: `timed out after ${opts.timeoutMs} ms and was stopped` });
      else if (code === 0) resolve({ ok: true, message: 'exited 0' });
      else resolve({ ok: false, message: `${signal ? `killed by ${signal}` : `exited ${code}`}${tail ? `: ${tail}` : ''}` });
    });
  });
}
