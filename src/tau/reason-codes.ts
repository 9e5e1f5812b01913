/** Reason codes the producer documents (tau-formats §3). Unknown codes are still counted. */
export const KNOWN_REASON_CODES: readonly string[] = [
  'queue_backpressure_applied', 'duplicate_cases_skipped', 'malformed_inputs_observed', 'retry_attempted',
  'retryable_failures_observed', 'case_processing_failed',
  'widget_views_updated', 'control_actions_applied',
  'command_registry_mutated', 'command_runs_recorded', 'command_run_timeout_observed',
  'command_run_non_zero_exit_observed', 'command_run_spawn_failures_observed', 'command_run_missing_command_observed',
  'wake_word_detected', 'turns_handled',
  'wasm_rollout_applied', 'cloud_rollout_applied',
  'action_limit_guardrail_denied', 'unsafe_actions_denied', 'timeout_failures_observed',
  'healthy_cycle',
];

const KNOWN = new Set(KNOWN_REASON_CODES);

/**
 * The code a log line's item counts as: trimmed, and a documented code however its case or
 * invisible characters are garbled (`CASE_PROCESSING_FAILED`, `case_processing\u200bfailed`,
 * a BOM or NBSP around it) counts as that code. Otherwise a garbled hard error would count
 * under a name no rule reads, and `events.phase.case_processing_failed == 0` would pass.
 */
export function canonicalCode(item: string): string {
  const code = item.trim();
  if (KNOWN.has(code)) return code;
  const folded = code.replace(/[^\x21-\x7e]+/g, '').toLowerCase();
  return KNOWN.has(folded) ? folded : code;
}
