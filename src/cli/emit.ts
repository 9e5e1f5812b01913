/** Writes what a renderer returned: the only place a command's report leaves the process. */
import { appendFileSync } from 'node:fs';
import type { Rendered } from '../report/renderer.js';

/**
 * Each part in order: its step summary appended to the file $GITHUB_STEP_SUMMARY names (when
 * that is set and not empty; a failure to append prints nothing of the part), then its stderr
 * (diagnostics), then its stdout.
 */
export function emit(parts: Rendered | readonly Rendered[], env: NodeJS.ProcessEnv = process.env): void {
  for (const rendered of Array.isArray(parts) ? (parts as readonly Rendered[]) : [parts as Rendered]) {
    const summary = env.GITHUB_STEP_SUMMARY;
    if (summary && rendered.appendToStepSummary !== undefined) appendFileSync(summary, rendered.appendToStepSummary);
    if (rendered.stderr) process.stderr.write(rendered.stderr);
    if (rendered.stdout) process.stdout.write(rendered.stdout);
  }
}

/**
 * A streamed report's next part to stdout. Returns a promise when the pipe is full: the caller
 * waits for it before making more (otherwise a fast producer queues its whole output in memory).
 */
export function emitStreamed(text: string): Promise<void> | null {
  if (process.stdout.write(text)) return null;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}
