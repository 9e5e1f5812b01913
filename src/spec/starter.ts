/** The commented starter spec `rollgate init` writes: the canary ladder of the runbooks, for one surface. */
import type { SurfaceKind } from '../tau/surface-kind.js';

/** Reason codes that show a surface doing its job ("advancing" in canary-2), where the producer has one. */
const ACTIVITY: Partial<Record<SurfaceKind, string>> = {
  dashboard: 'widget_views_updated',
  'custom-command': 'command_runs_recorded',
  voice: 'turns_handled',
  deployment: 'cloud_rollout_applied',
};

/** Metric sources `init --metrics` can start from. */
export const STARTER_METRICS = ['prometheus'] as const;
export type StarterMetrics = (typeof STARTER_METRICS)[number];

/** An error-rate and a latency metric on Prometheus, with the canary's series selected by label. */
const PROMETHEUS_METRICS = `
# What the service measures (docs/metrics.md). Each query is an instant query at the check's
# instant (\`time=\`), so \`evaluate --now T\` gives the same answer every time. Placeholders:
# {{rollout.name}}, {{phase.name}}, {{phase.index}}, {{phase.traffic}}.
metrics:
  error-rate:
    description: Share of the canary's requests that failed (5xx) over 5 minutes.
    prometheus:
      address: http://127.0.0.1:9090          # any Prometheus-compatible API
      query: sum(rate(http_requests_total{job="{{rollout.name}}",track="canary",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="{{rollout.name}}",track="canary"}[5m]))
      # bearerToken: { env: PROMETHEUS_TOKEN }  # secrets come from env or files, never from here
    timeout: 5s
    onNoData: hold                            # no traffic yet: hold (the soak restarts), never roll back
  latency-p99:
    description: 99th percentile request latency of the canary, in seconds.
    prometheus:
      address: http://127.0.0.1:9090
      query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="{{rollout.name}}",track="canary"}[5m])))
    timeout: 5s
`;

const PROMETHEUS_GATES = `      - name: error-rate-below-1pct
        description: Fewer than 1% of the canary's requests fail.
        rule: { "<": [ { var: metrics.error-rate.value }, 0.01 ] }
      - name: latency-p99-below-500ms
        rule: { "<": [ { var: metrics.latency-p99.value }, 0.5 ] }
`;

const PROMETHEUS_TRIGGERS = `  - name: error-rate-spike
    description: More than 5% of the canary's requests fail on 2 consecutive checks; 4 checks in a row without an answer also roll back.
    when: { ">": [ { var: metrics.error-rate.value }, 0.05 ] }
    consecutive: 2
    onError: { consecutive: 4, action: rollback }
    action: rollback
    severity: high
`;

export function starterSpec(kind: SurfaceKind, name: string, schemaPath: string, metrics: StarterMetrics | null = null): string {
  const activity = ACTIVITY[kind];
  const canary2Gates = activity
    ? `    gates:
      - name: ${kind}-advancing
        description: The ${kind} surface recorded ${activity} since the previous check.
        rule: { ">": [ { var: surfaces.${kind}.events.check.${activity} }, 0 ] }
`
    : '';
  return `# yaml-language-server: $schema=${schemaPath}
#
# Starter rollout spec for a ${kind} surface, written by \`rollgate init\`.
# Check it with:   rollgate validate <this file>
# Try a check:     rollgate evaluate <this file> --dry-run --explain
#
# Words used below (DESIGN §3): "new X" is events.phase.X > 0 (since this phase began),
# "X advancing" is events.check.X > 0 (since the previous check), "X flat" is
# events.check.X <= events.previous_check.X.
apiVersion: rollgate/v1
kind: Rollout
metadata:
  name: ${name}
  description: Canary rollout of the ${kind} runtime.

surfaces:
  ${kind}:
    stateDir: .tau/${kind}        # holds state.json and runtime-events.jsonl
    kind: ${kind}
    staleAfter: 15m               # an older snapshot means the runtime stopped: hold
${metrics === 'prometheus' ? PROMETHEUS_METRICS : ''}
# When \`rollgate run\` checks this rollout.
schedule: { cron: "*/5 * * * *", timezone: UTC }
# Uncomment to promote only during business hours (rollbacks never wait):
# promotionWindow: { cron: "* 9-16 * * 1-5", timezone: Europe/Berlin }

phases:
  - name: canary-1
    traffic: 5
    soak: 30m                     # every gate must keep passing this long
    gates:
      - name: healthy
        description: The runtime's own gate (healthy, not paused).
        each: surfaces
        rule: { "==": [ { var: surface.rollout_gate }, pass ] }
      - name: queue-depth
        each: surfaces
        rule: { "<=": [ { var: surface.health.queue_depth }, 1 ] }
      - name: no-new-hard-errors
        each: surfaces
        rule:
          and:
            - { "==": [ { var: surface.events.phase.case_processing_failed }, 0 ] }
            - { "==": [ { var: surface.events.phase.malformed_inputs_observed }, 0 ] }
${metrics === 'prometheus' ? PROMETHEUS_GATES : ''}  - name: canary-2
    traffic: 25
    soak: 60m
    inherit: true                 # canary-1's gates still apply
${canary2Gates}  - name: canary-3
    traffic: 50
    soak: 120m
    inherit: true
    gates:
      - name: retry-pressure-flat
        each: surfaces
        rule: { "<=": [ { var: surface.events.check.retry_attempted }, { var: surface.events.previous_check.retry_attempted } ] }
  - name: general-availability
    traffic: 100
    soak: 24h
    inherit: true

triggers:
  - name: health-regression
    description: Degraded or failing on 2 consecutive checks.
    each: surfaces
    when: { in: [ { var: surface.health_state }, [ degraded, failing ] ] }
    consecutive: 2
    action: rollback
    severity: high
  - name: failure-streak-breach
    each: surfaces
    when: { ">=": [ { var: surface.health.failure_streak }, 3 ] }
    action: rollback
    severity: high
${metrics === 'prometheus' ? PROMETHEUS_TRIGGERS : ''}
# Set the traffic weight on promotion and roll back on rollback. Hooks get ROLLGATE_ROLLOUT,
# ROLLGATE_DECISION, ROLLGATE_PHASE, ROLLGATE_TRAFFIC and ROLLGATE_RECORD; no shell is used.
# hooks:
#   promote:  [ { run: [ ./scripts/set-weight.sh ], timeout: 30s } ]
#   rollback: [ { webhook: "https://deploy.example.com/hooks/rollback", timeout: 10s } ]
`;
}
