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
