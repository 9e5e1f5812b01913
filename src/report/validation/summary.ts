/** Counts shared by the renderers. */
import type { SpecResult } from '../../spec/load-spec.js';

export function errorsOf(r: SpecResult) {
  return r.diagnostics.filter((d) => d.severity === 'error');
}

export function warningsOf(r: SpecResult) {
  return r.diagnostics.filter((d) => d.severity === 'warning');
}

export function summaryLine(results: readonly SpecResult[]): string {
  const invalid = results.filter((r) => errorsOf(r).length > 0).length;
  const errors = results.reduce((n, r) => n + errorsOf(r).length, 0);
  const warnings = results.reduce((n, r) => n + warningsOf(r).length, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(results.length, 'spec')} checked: ${results.length - invalid} valid, ${invalid} invalid (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
}

