/**
 * A small two-phase rollout of one custom-command surface (`web`, at `.tau/web`): a health
 * gate, a rollback trigger on new hard errors, and one promote hook, given as the shell script
 * it runs. The edge-loop and store tests share it.
 */
export function webSpec(promoteScript: string, timeout = '10s'): string {
  return `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: web }
surfaces:
  web: { stateDir: .tau/web, kind: custom-command, staleAfter: 15m }
phases:
  - name: canary
    traffic: 10
    soak: 10m
    gates:
      - name: healthy
        each: surfaces
        rule: { "==": [ { var: surface.rollout_gate }, pass ] }
  - name: general-availability
    traffic: 100
    soak: 10m
triggers:
  - name: hard-errors
    each: surfaces
    when: { ">": [ { var: surface.events.check.case_processing_failed }, 0 ] }
    action: rollback
    severity: high
hooks:
  promote:
    - { run: [ sh, -c, ${JSON.stringify(promoteScript)} ], timeout: ${timeout} }
`;
}
