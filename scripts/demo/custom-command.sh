#!/usr/bin/env bash
# A custom-command canary through specs/custom-command.yaml: a healthy run to general
# availability, then a run that rolls back, then `inspect` and `status`.
. "$(dirname "$0")/lib.sh"
demo_init custom-command
SPEC=specs/custom-command.yaml
S=custom-command
RUNS=command_runs_recorded

echo "[demo:$DEMO] -- a healthy run: canary-1 5% -> canary-2 25% -> canary-3 50% -> general-availability 100%"
A=$SCRATCH/healthy
world "$A" $S tau-samples/runtime-custom-command-healthy
run_steps $SPEC "$A" $S $RUNS 2026-02-16 "09:00 wait 0" "09:15 wait 0" "09:30 promote 0" "10:00 wait 0" "10:30 promote 0" "11:30 wait 0" "12:30 promote 0"
run_steps $SPEC "$A" $S $RUNS 2026-02-17 "12:29 wait 0" "12:30 complete 0"
expect_cmd "the promote hooks set the traffic up to 100%" 0 'custom-command traffic=100% decision=promote' -- cat "$A/.rollgate/traffic.log"
expect_cmd "the journal's hash chain verifies" 0 'hash chain verified' -- rg status $SPEC --root "$A" --now 2026-02-17T12:31:00Z

echo "[demo:$DEMO] -- a run that rolls back: degraded on two consecutive checks"
B=$SCRATCH/rollback
world "$B" $S tau-samples/runtime-custom-command-healthy
run_steps $SPEC "$B" $S $RUNS 2026-02-16 "09:00 wait 0"
cycle "$B" $S 2026-02-16T09:05:00Z retry_attempted,retryable_failures_observed failure_streak:1,last_cycle_failed:1
expect_check $SPEC "$B" 2026-02-16T09:05:00Z hold 1
cycle "$B" $S 2026-02-16T09:10:00Z retry_attempted failure_streak:2,last_cycle_failed:1
expect_check $SPEC "$B" 2026-02-16T09:10:00Z rollback 2
expect_cmd "an incident bundle holds the evidence" 0 'state.json' -- ls "$B/.rollgate/custom-command/incidents/2026-02-16T09-10-00.000Z/custom-command"
expect_cmd "inspect reports the degraded surface" 0 '"health_state": "degraded"' -- rg inspect "$B/.tau/$S" --format json
expect_cmd "status shows the rolled-back rollout" 0 'rolled_back' -- rg status $SPEC --root "$B" --now 2026-02-16T09:11:00Z
summary
