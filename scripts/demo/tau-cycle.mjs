#!/usr/bin/env node
// Writes one producer cycle into a Tau state directory, as the runtime would: state.json
// (through a temp file and a rename) with a fresh health snapshot, and one full cycle report
// appended to runtime-events.jsonl.
//   node tau-cycle.mjs <stateDir> <ISO instant> [codes,comma,separated] [health=k:v,k:v]
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, iso, codesArg = '', healthArg = ''] = process.argv.slice(2);
if (!dir || !iso) {
  process.stderr.write('usage: tau-cycle.mjs <stateDir> <ISO instant> [codes] [k:v,k:v]\n');
  process.exit(64);
}
const now = Date.parse(iso);
const codes = codesArg === '' ? [] : codesArg.split(',');
const overrides = Object.fromEntries(healthArg.split(',').filter(Boolean).map((kv) => kv.split(':')).map(([k, v]) => [k, Number(v)]));
mkdirSync(dir, { recursive: true });
const statePath = join(dir, 'state.json');
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : { schema_version: 1, processed_case_keys: [] };
state.health = {
  updated_unix_ms: now - 5000, cycle_duration_ms: 5, queue_depth: 0, active_runs: 0, failure_streak: 0,
  last_cycle_discovered: 2, last_cycle_processed: 2, last_cycle_completed: 2, last_cycle_failed: 0, last_cycle_duplicates: 0,
  ...overrides,
};
const h = state.health;
const [healthState, reason] = h.failure_streak >= 3
  ? ['failing', `transport failures are sustained (failure_streak=${h.failure_streak})`]
  : h.failure_streak > 0 || h.last_cycle_failed > 0
    ? ['degraded', `recent transport failures observed (failure_streak=${h.failure_streak}, last_cycle_failed=${h.last_cycle_failed})`]
    : ['healthy', 'no recent transport failures observed'];
const temp = join(dir, `.state.json.tmp-${process.pid}`);
writeFileSync(temp, JSON.stringify(state, null, 2));
renameSync(temp, statePath);
appendFileSync(join(dir, 'runtime-events.jsonl'), JSON.stringify({
  timestamp_unix_ms: now - 4000, health_state: healthState, health_reason: reason, reason_codes: codes.length ? codes : ['healthy_cycle'],
  discovered_cases: h.last_cycle_discovered, queued_cases: h.last_cycle_discovered, applied_cases: h.last_cycle_completed, duplicate_skips: 0,
  malformed_cases: 0, retryable_failures: 0, retry_attempts: 0, failed_cases: h.last_cycle_failed, backlog_cases: 0, failure_streak: h.failure_streak,
}) + '\n');
