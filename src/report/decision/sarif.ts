/**
 * SARIF 2.1.0 for GitHub code scanning: a result per failing or erroring gate and per fired or
 * erroring trigger, where the spec writes its rule (levels as the `github` annotations: error on a
 * rollback, warning otherwise). Passing gates and quiet triggers are not results; the decision is
 * the run's `properties`, and each rollout is a category of its own.
 */
import type { GateResult, TriggerResult } from '../../engine/record.js';
import type { Spec } from '../../spec/types.js';
import { jsonText } from '../escape.js';
import { sarifLog, type Finding, type SarifLevel } from '../sarif.js';
import type { DecisionRenderer } from './index.js';
import { where } from './words.js';

const atOf = (source: GateResult['source'], spec: Spec) => source ?? { file: spec.file, line: 0, col: 0 };

export function gateFinding(g: GateResult, level: SarifLevel, spec: Spec): Finding {
  return { rule: g.result === 'fail' ? 'gate-failed' : 'gate-error', level, message: `gate ${g.name}${where(g.surface)} ${g.result === 'fail' ? 'failed' : 'could not be evaluated'}: ${g.message}`, at: atOf(g.source, spec), identity: `gate ${g.phase}/${g.name}${where(g.surface)}` };
}

export function triggerFinding(t: TriggerResult, level: SarifLevel, spec: Spec): Finding {
  return { rule: t.fired ? 'trigger-fired' : 'trigger-error', level, message: `trigger ${t.name}${where(t.surface)} ${t.fired ? `fired (${t.action})` : 'could not be evaluated'}: ${t.message}`, at: atOf(t.source, spec), identity: `trigger ${t.name}${where(t.surface)}` };
}

export const renderSarif: DecisionRenderer = (r, ctx) => {
  const findings: Finding[] = [];
  for (const g of r.gates) if (g.result !== 'pass') findings.push(gateFinding(g, r.decision === 'rollback' ? 'error' : 'warning', ctx.spec));
  for (const t of r.triggers) if (t.fired || t.matched === null) findings.push(triggerFinding(t, t.fired && t.action === 'rollback' ? 'error' : 'warning', ctx.spec));
  const properties = { rollout: r.rollout, decision: r.decision, phase: r.phase.name, check: r.check, reasons: r.reasons, next: r.next, spec_digest: r.spec_digest };
  return { stdout: jsonText(sarifLog('evaluate', findings, ctx.tool, { category: r.rollout, properties }), 2) + '\n' };
};
