/**
 * The one diagnostic formatter: `file:line:col: severity: message`, or `file: severity: message`
 * for a problem with no position (line 0). Every command and format that prints a position uses it.
 */
import type { Diagnostic } from '../spec/diagnostic.js';
import { textLines } from './escape.js';
import type { Renderer } from './renderer.js';

/** `file:line:col`, `file:line` without a column, or just `file` when there is no position (line 0). */
export function formatPosition(at: { file: string; line: number; col?: number }): string {
  if (!(at.line > 0)) return at.file;
  return at.col === undefined ? `${at.file}:${at.line}` : `${at.file}:${at.line}:${at.col}`;
}

/** `file:line:col: severity: message` (the position as `formatPosition` writes it). */
export function formatDiagnostic(d: Pick<Diagnostic, 'file' | 'line' | 'col' | 'severity' | 'message'>): string {
  return `${formatPosition(d)}: ${d.severity}: ${d.message}`;
}

/** Diagnostics to stderr, one line each, in the order given. */
export const renderDiagnostics: Renderer<readonly Pick<Diagnostic, 'file' | 'line' | 'col' | 'severity' | 'message'>[]> = (diagnostics) => ({
  stdout: '',
  stderr: textLines(diagnostics.map(formatDiagnostic)),
});
