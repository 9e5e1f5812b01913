/**
 * An argv started without a shell, with a timeout and extra variables: a `run` hook
 * (`runCommand`), and the commands of `routing:` (`runArgv`, which also keeps what it printed).
 */
import { spawn } from 'node:child_process';

export interface HookOutcome {
  ok: boolean;
  message: string;
}

export interface ArgvOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Keep stdout, up to this many bytes (a `read` command's answer); 0 or absent: stdout is discarded. */
  stdoutBytes?: number;
}

/** How a run ended, with the sentence a hook result carries (`message`). */
export interface ArgvRun extends HookOutcome {
  /** Its stdout, when asked for (cut at `stdoutBytes`). */
  stdout: string;
  /** True when stdout went past `stdoutBytes` (the rest was read and dropped). */
  stdoutCut: boolean;
  /** The end of its stderr (about the last 2000 characters). */
  stderr: string;
}

/** Grace between SIGTERM and SIGKILL for a command past its timeout. */
const KILL_GRACE_MS = 2000;

export async function runCommand(argv: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<HookOutcome> {
  const { ok, message } = await runArgv(argv, opts);
  return { ok, message };
}

/** Runs `argv`; never rejects. A failure's message ends with the last three lines of stderr. */
export function runArgv(argv: string[], opts: ArgvOptions): Promise<ArgvRun> {
  const keep = opts.stdoutBytes ?? 0;
  return new Promise((resolve) => {
    let stderr = '';
    const stdout: Buffer[] = [];
    let stdoutLength = 0;
    let stdoutCut = false;
    let timedOut = false;
    let child;
    const done = (ok: boolean, message: string) =>
      resolve({ ok, message, stdout: Buffer.concat(stdout).toString('utf8'), stdoutCut, stderr });
    try {
      child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', keep > 0 ? 'pipe' : 'ignore', 'pipe'], shell: false });
    } catch (err) {
      done(false, `could not start ${argv[0]}: ${(err as Error).message}`);
      return;
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      // Read to the end either way: a command blocked on a full pipe would only end at the timeout.
      const room = keep - stdoutLength;
      if (chunk.length > room) stdoutCut = true;
      if (room > 0) {
        const part = chunk.subarray(0, room);
        stdout.push(part);
        stdoutLength += part.length;
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
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
      done(false, `could not start ${argv[0]}: ${why}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      if (timedOut) done(false, `timed out after ${opts.timeoutMs} ms and was stopped`);
      else if (code === 0) done(true, 'exited 0');
      else done(false, `${signal ? `killed by ${signal}` : `exited ${code}`}${tail ? `: ${tail}` : ''}`);
    });
  });
}
