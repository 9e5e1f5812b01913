import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('rollgate init', () => {
  it.each(['dashboard', 'custom-command', 'voice', 'memory', 'deployment', 'browser'])('writes a %s starter that validates without warnings', (kind) => {
    const dir = tempDir('init');
    const r = rollgate(['init', '--surface', kind, '--name', `${kind}-canary`], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote specs/${kind}-canary.yaml`);
    const v = rollgate(['validate', 'specs/', '--format', 'json'], dir);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toEqual([expect.objectContaining({ valid: true, errors: [], warnings: [], rollout: `${kind}-canary` })]);
    // The modeline points at this install's schema, so editors find it.
    expect(readFileSync(join(dir, `specs/${kind}-canary.yaml`), 'utf8').split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schemas\/rollout-spec.schema.json$/);
  });

  it('refuses to overwrite without --force; --output - prints; a bad name is a usage error', () => {
    const dir = tempDir('init');
    expect(rollgate(['init'], dir).code).toBe(0);
    const again = rollgate(['init'], dir);
    expect(again.code).toBe(64);
    expect(again.stderr).toContain('specs/custom-command.yaml already exists; choose another --output, or --force to overwrite it');
    expect(rollgate(['init', '--force'], dir).code).toBe(0);
    const printed = rollgate(['init', '--surface', 'dashboard', '--output', '-'], dir);
    expect(printed.stdout).toMatch(/^# yaml-language-server/);
    expect(printed.stdout).toContain('rule: { ">": [ { var: surfaces.dashboard.events.check.widget_views_updated }, 0 ] }');
    expect(rollgate(['init', '--name', 'Bad_Name'], dir).code).toBe(64);
  });

  it('--metrics prometheus adds an error-rate and a latency gate and an error-rate trigger, and still validates without warnings', () => {
    const dir = tempDir('init');
    const r = rollgate(['init', '--metrics', 'prometheus', '--name', 'api'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrote specs/api.yaml: a custom-command canary rollout gated on prometheus metrics');
    const v = rollgate(['validate', 'specs/api.yaml', '--format', 'json'], dir);
    expect(JSON.parse(v.stdout)).toEqual([expect.objectContaining({ valid: true, errors: [], warnings: [] })]);
    const text = readFileSync(join(dir, 'specs/api.yaml'), 'utf8');
    expect(text).toContain('rule: { "<": [ { var: metrics.error-rate.value }, 0.01 ] }');
    expect(text).toContain('rule: { "<": [ { var: metrics.latency-p99.value }, 0.5 ] }');
    expect(text).toContain('onError: { consecutive: 4, action: rollback }');
    expect(rollgate(['init', '--metrics', 'datadog', '--output', '-'], dir).code).toBe(64);
  });
});
