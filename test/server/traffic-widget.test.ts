/**
 * The dashboard shows desired and actual traffic (issue 18): the widgets payload carries what the
 * load balancer has (read only, a dry run) and what the phase wants, from a real `routing.command`
 * with a `read` command on real files.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRolloutView } from '../../src/server/rollout-view.js';
import { widgetsPayload } from '../../src/server/dashboard-model.js';
import { runCheck } from '../../src/runner/run-check.js';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { tempDir } from '../helpers/temp-dir.js';

const T0 = Date.parse('2026-02-16T09:00:00Z');

describe('the traffic widget', () => {
  it('shows the split the balancer has and the one the phase wants, and reading it changes nothing', async () => {
    const root = tempDir('traffic-widget');
    writeFileSync(join(root, 'set.sh'), '#!/bin/sh\nprintf \'{"canary": %s, "stable": %s}\' "$1" "$2" > weights.json\n');
    writeFileSync(join(root, 'get.sh'), '#!/bin/sh\ncat weights.json\n');
    chmodSync(join(root, 'set.sh'), 0o755);
    chmodSync(join(root, 'get.sh'), 0o755);
    writeFileSync(join(root, 'weights.json'), '{"canary": 50, "stable": 50}');
    const spec = loadSpecText(`apiVersion: rollgate/v1
kind: Rollout
metadata: { name: web }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
phases:
  - { name: canary-1, traffic: 5, soak: 10m, gates: [ { name: up, rule: { "==": [ { var: surfaces.web.present }, false ] } } ] }
  - { name: general-availability, traffic: 100 }
routing:
  command: { run: [ ./set.sh, "{{canary}}", "{{stable}}" ], read: [ ./get.sh ] }
`, 'web.yaml').spec!;
    const store = join(root, '.rollgate');
    const widget = async (at: number) => widgetsPayload([await readRolloutView(spec, root, store, at)], at).rollouts[0]!.traffic;
    expect(await widget(T0)).toEqual({ provider: 'command', target: 'command `./set.sh {{canary}} {{stable}}`', desired: { canary: 5, stable: 95 }, actual: { canary: 50, stable: 50 }, error: null });
    expect(existsSync(store)).toBe(false);
    await runCheck(spec, { root, store, nowMs: T0, dryRun: false });
    expect(await widget(T0 + 60_000)).toMatchObject({ desired: { canary: 5, stable: 95 }, actual: { canary: 5, stable: 95 } });
  });
});
