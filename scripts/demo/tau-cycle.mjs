#!/usr/bin/env node
// Writes one producer cycle into a Tau state directory, as the runtime would: state.json
// (through a temp file and a rename) with a fresh health snapshot, and one full cycle report
// appended to runtime-events.jsonl. The file formats come from rollgate's producer model
// (src/tau/producer-output.ts), the same one `rollgate simulate` writes with.
//   node tau-cycle.mjs <stateDir> <ISO instant> [codes,comma,separated] [k:v,k:v health overrides]
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zeroHealth } from '../../dist/tau/health.js';
import { cycleLine, emptyState } from '../../dist/tau/producer-output.js';

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
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : emptyState(null);
state.health = { ...zeroHealth(), cycle_duration_ms: 5, last_cycle_discovered: 2, last_cycle_processed: 2, last_cycle_completed: 2, ...overrides, updated_unix_ms: now - 5000 };
const temp = join(dir, `.state.json.tmp-${process.pid}`);
writeFileSync(temp, JSON.stringify(state, null, 2));
renameSync(temp, statePath);
appendFileSync(join(dir, 'runtime-events.jsonl'), cycleLine(state.health, codes, now - 4000) + '\n');
