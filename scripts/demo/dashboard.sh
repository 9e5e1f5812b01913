#!/usr/bin/env bash
# A dashboard canary through specs/dashboard.yaml: a healthy run with an operator pause and
# `rollgate control`, to general availability; then a run that rolls back on a failure streak.
. "$(dirname "$0")/lib.sh"
demo_init dashboard
SPEC=specs/dashboard.yaml
S=dashboard
ACTIVE=widget_views_updated,control_actions_applied

echo "[demo:$DEMO] -- a healthy run, with a pause on the way"
A=$SCRATCH/healthy
world "$A" $S tau-samples/runtime-dashboard-healthy
run_steps $SPEC "$A" $S $ACTIVE 2026-02-16 "09:00 wait 0" "09:30 promote 0" "10:00 wait 0"
expect_cmd "control pause holds the rollout" 0 'paused by demo' -- rg control $SPEC pause --reason "change freeze" --actor demo --root "$A" --now 2026-02-16T10:05:00Z
run_steps $SPEC "$A" $S $ACTIVE 2026-02-16 "10:30 hold 1"
expect_cmd "control resume lets it go on" 0 'resumed by demo' -- rg control $SPEC resume --reason "freeze over" --actor demo --root "$A" --now 2026-02-16T10:35:00Z
run_steps $SPEC "$A" $S $ACTIVE 2026-02-16 "10:40 promote 0" "12:40 promote 0"
run_steps $SPEC "$A" $S $ACTIVE 2026-02-17 "12:40 complete 0"
expect_cmd "the audit log has the operator's actions" 0 '"action":"resume"' -- cat "$A/.rollgate/dashboard/actions-audit.jsonl"

echo "[demo:$DEMO] -- a run that rolls back: failure_streak reaches 3"
B=$SCRATCH/rollback
world "$B" $S tau-samples/runtime-dashboard-healthy
run_steps $SPEC "$B" $S $ACTIVE 2026-02-16 "09:00 wait 0"
cycle "$B" $S 2026-02-16T09:05:00Z retry_attempted failure_streak:3,last_cycle_failed:2
expect_check $SPEC "$B" 2026-02-16T09:05:00Z rollback 2
expect_cmd "inspect reports the failing surface" 0 'health_state=failing' -- rg inspect "$B/.tau/$S"
expect_cmd "status shows the rolled-back rollout" 0 'rolled_back' -- rg status $SPEC --root "$B" --now 2026-02-16T09:06:00Z
summary
