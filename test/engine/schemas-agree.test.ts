/** The schemas describe what the code really produces: records and rule contexts validate. */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { check, checkContext } from '../../src/engine/check.js';
import { observeRollout } from '../../src/observe/observe-rollout.js';
import { declareAnnotations } from '../../src/spec/schema-check.js';
import { readSchema } from '../../src/spec/schema-files.js';
import { verifyJournal } from '../../src/store/journal.js';
import { MIN, spec, T0, World } from '../helpers/world.js';

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
declareAnnotations(ajv);
const validRecord = ajv.compile(readSchema('decision.schema.json'));
const validContext = ajv.compile(readSchema('context.schema.json'));

describe('schemas/decision.schema.json and schemas/context.schema.json', () => {
  it('every journaled record of a rollout with a rollback validates', async () => {
    const w = new World();
    const s = await spec('specs/custom-command.yaml');
    const CC = '.tau/custom-command';
    w.state(CC, 'custom-command', T0 - MIN).events(CC, ['command_runs_recorded']);
    await w.check(s, T0);
    w.state(CC, 'custom-command', T0 + 4 * MIN, { failure_streak: 1 });
    await w.check(s, T0 + 5 * MIN);
    await w.check(s, T0 + 10 * MIN);
    const entries = verifyJournal(w.path('.rollgate/custom-command/decisions.jsonl')).entries;
    expect(entries.map((e) => e.record.decision)).toEqual(['wait', 'hold', 'rollback']);
    for (const e of entries) expect(validRecord(e.record), JSON.stringify(validRecord.errors)).toBe(true);
  });

  it('the data rules read matches the context schema, for every bundled spec', async () => {
    for (const file of ['specs/release.yaml', 'specs/dashboard.yaml', 'specs/custom-command.yaml']) {
      const s = await spec(file);
      const w = new World();
      for (const surface of s.surfaces) w.state(surface.stateDir, surface.kind ?? 'custom-command', T0 - MIN).events(surface.stateDir, ['healthy_cycle']);
      const obs = await observeRollout(s, null, { root: w.root, nowMs: T0 });
      const result = check(s, null, obs, T0, { dryRun: true });
      expect(validRecord(result.record), JSON.stringify(validRecord.errors)).toBe(true);
      const { base, surfaces } = checkContext(s, null, obs, T0);
      for (const name of Object.keys(surfaces)) {
        expect(validContext({ ...base, surface: surfaces[name] }), `${file} ${name}: ${JSON.stringify(validContext.errors)}`).toBe(true);
      }
    }
  });
});
