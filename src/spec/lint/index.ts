/** Semantic checks on top of the JSON Schema. Tolerates shapes the schema already rejected. */
import type { Diagnostic } from '../diagnostic.js';
import type { SourceMap } from '../source-map.js';
import { lintHooks } from './lint-hooks.js';
import { lintMetrics } from './lint-metrics.js';
import { lintRouting } from './lint-routing.js';
import { lintConstantRules } from './lint-constant-rules.js';
import { lintAllRules } from './lint-rules.js';
import { lintSchedules } from './lint-schedule.js';
import { lintStructure } from './lint-structure.js';
import { Reporter } from './reporter.js';

export function lintSpec(data: Record<string, unknown>, file: string, sourceMap: SourceMap): Diagnostic[] {
  const report = new Reporter(file, data, sourceMap);
  lintStructure(report);
  lintAllRules(report);
  lintConstantRules(report);
  lintSchedules(report);
  lintHooks(report);
  lintMetrics(report);
  lintRouting(report);
  return report.diagnostics;
}
