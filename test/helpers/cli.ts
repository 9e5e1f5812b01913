/** Runs the built CLI as a real process, the way users and CI do. */
import { execFile, spawnSync } from 'node:child_process';
import { ROOT } from './paths.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function rollgate(args: string[], cwd = ROOT, env: Record<string, string> = {}): Run {
  // maxBuffer: spawnSync kills a child whose output passes 1 MiB, which reads as a crash (code null).
  // A hang (a blocking read, a lock never released) fails the test instead of freezing the suite.
  const r = spawnSync(process.execPath, [ROOT + 'bin/rollgate.js', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 20_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } });
  if (r.error) throw new Error(`rollgate ${args[0] ?? ''} did not finish: ${r.error.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * rollgate(), without blocking this process: for tests whose own servers (an HTTP endpoint
 * in this process) must answer the CLI while it runs.
 */
export function rollgateAsync(args: string[], cwd = ROOT, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [ROOT + 'bin/rollgate.js', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 20_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(new Error(`rollgate ${args[0] ?? ''} did not finish: ${err.message}`));
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}
