/** Runs the built CLI as a real process, the way users and CI do. */
import { spawnSync } from 'node:child_process';
import { ROOT } from './paths.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function rollgate(args: string[], cwd = ROOT, env: Record<string, string> = {}): Run {
  // maxBuffer: spawnSync kills a child whose output passes 1 MiB, which reads as a crash (code null).
  const r = spawnSync(process.execPath, [ROOT + 'bin/rollgate.js', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
