/**
 * control-state.json: missing means running; present, it must say exactly running or paused.
 * Anything else (unparsable, a repeated key, a byte-order mark, another mode, not a regular
 * file) is mode unknown, which holds the surface like a pause, with a sentence saying why.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseControlState, readControlState } from '../../src/observe/control-state.js';
import { eventWindows } from '../../src/engine/event-windows.js';
import { emptyTally } from '../../src/engine/log-tally.js';
import { parseState } from '../../src/observe/state-file.js';
import { buildSurfaceContext } from '../../src/engine/surface-context.js';
import { filesNamed } from '../helpers/files-named.js';
import { fixture } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);
const health = '"health":{"updated_unix_ms":1000,"queue_depth":0,"failure_streak":0,"last_cycle_failed":0}';

describe('control-state.json', () => {
  it.each([
    ['{"mode":"Paused"}', 'control-state.json has mode "Paused": holding until it says running or paused'],
    ['{"mode":"paused "}', 'control-state.json has mode "paused ": holding until it says running or paused'],
    ['{"mode":"halted"}', 'control-state.json has mode "halted": holding until it says running or paused'],
    ['{"mode":1}', 'control-state.json has mode 1: holding until it says running or paused'],
    ['{"mode":null}', 'control-state.json has mode null: holding until it says running or paused'],
    ['{"mode":["paused"]}', 'control-state.json has mode ["paused"]: holding until it says running or paused'],
    ['{"schema_version":1}', 'control-state.json has no mode: holding until it says running or paused'],
    ['"paused"', 'control-state.json is not a JSON object: holding until it says running or paused'],
    ['', 'control-state.json is empty (possibly half-written): holding until it says running or paused'],
    ['\uFEFF{"mode":"running"}', 'control-state.json starts with a byte-order mark, which the producer (serde) refuses: holding until it says running or paused'],
    ['{"mode":"paused","mode":"running"}', 'control-state.json has a duplicate key "mode" at line 1 column 18, so its mode is ambiguous: holding until it says running or paused'],
  ])('%j is unknown, and says why', (text, note) => {
    expect(parseControlState(text)).toEqual({ mode: 'unknown', present: true, updated_unix_ms: null, last_action: null, note });
  });

  it('exactly running or paused is read; a missing file is running', () => {
    expect(parseControlState('{"schema_version":1,"mode":"running","updated_unix_ms":5,"last_action":null}')).toMatchObject({ mode: 'running', present: true, updated_unix_ms: 5, note: null });
    expect(parseControlState('{"mode":"paused","extra":1}')).toMatchObject({ mode: 'paused', note: null });
    const dir = tempDir('control-missing');
    expect(readControlState(join(dir, 'control-state.json'))).toMatchObject({ mode: 'running', present: false, note: null });
    expect(readControlState(join(dir, 'not-a-dir', 'control-state.json'))).toMatchObject({ mode: 'running', present: false });
  });

  it('every control-state.json under fixtures/ says running or paused', () => {
    const files = filesNamed(fixture(''), 'control-state.json');
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) expect(parseControlState(readFileSync(file, 'utf8')).mode, file).toMatch(/^(running|paused)$/);
  });

  it('a FIFO or a directory in its place is unknown, read without blocking', () => {
    const dir = tempDir('control-kinds');
    mkfifo(join(dir, 'control-state.json'));
    expect(readControlState(join(dir, 'control-state.json'))).toMatchObject({ mode: 'unknown', note: 'control-state.json is a FIFO (named pipe), not a regular file: holding until it says running or paused' });
    const other = tempDir('control-dir');
    mkdirSync(join(other, 'control-state.json'));
    expect(readControlState(join(other, 'control-state.json'))).toMatchObject({ mode: 'unknown', note: expect.stringMatching(/^control-state\.json is a directory/) });
  });

  it('an unknown control state holds a healthy surface (paused, gate hold) with its own reason, and leaves its health alone', () => {
    const total = emptyTally();
    const s = buildSurfaceContext(
      { name: 'dashboard', kind: 'dashboard', staleAfterMs: null, healthRules: null },
      { state: parseState(`{"widget_views":[],${health}}`), control: parseControlState('{"mode":"halted"}'), events: { present: false, total, windows: eventWindows(total, { phaseEntry: null, lastCheck: null, checkBefore: null }) } },
      2000,
    );
    expect(s).toMatchObject({ paused: true, health_state: 'healthy', rollout_gate: 'hold', health_reason: 'control-state.json has mode "halted": holding until it says running or paused' });
  });
});
