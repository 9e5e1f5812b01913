import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load-spec.js';
import { fixture, MINIMAL, readFixture, ROOT } from '../helpers/paths.js';

const errors = (text: string | Uint8Array, file = 'spec.yaml') => loadSpecText(text, file).diagnostics.filter((d) => d.severity === 'error');

describe('the bundled specs', () => {
  for (const name of readdirSync(ROOT + 'specs').filter((n) => n.endsWith('.yaml') && !n.endsWith('.test.yaml'))) {
    it(`specs/${name} is valid without warnings`, () => {
      const result = loadSpecText(readFileSync(ROOT + 'specs/' + name), `specs/${name}`);
      expect(result.diagnostics).toEqual([]);
      expect(result.spec?.name).toBe(name.replace('.yaml', ''));
    });
  }

  it('release.yaml has five surfaces, preflight first and the whole trigger matrix', () => {
    const spec = loadSpecText(readFileSync(ROOT + 'specs/release.yaml'), 'specs/release.yaml').spec!;
    expect(spec.surfaces.map((s) => s.name)).toEqual(['voice', 'browser', 'dashboard', 'custom-command', 'memory']);
    expect(spec.phases.map((p) => [p.name, p.traffic, p.soakMs])).toEqual([
      ['preflight', 0, 0], ['canary-1', 5, 30 * 60_000], ['canary-2', 25, 60 * 60_000],
      ['canary-3', 50, 120 * 60_000], ['general-availability', 100, 24 * 3_600_000],
    ]);
    expect(spec.triggers.map((t) => t.name)).toEqual([
      'health-regression', 'failure-streak-breach', 'hard-runtime-errors', 'browser-execution-failure', 'validation-gate-failure',
    ]);
    // canary-1's gates are not carried into nothing: preflight gates stay in preflight.
    expect(spec.phases[1]!.gates.map((g) => g.declaredIn)).not.toContain('preflight');
    // general availability inherits canary-1..3 through the inherit chain.
    const ga = spec.phases[4]!.gates.map((g) => g.name);
    expect(ga).toContain('queue-depth');
    expect(ga).toContain('browser-timeline-clean');
    expect(ga).toContain('retry-pressure-flat');
    expect(ga).toContain('signoff-complete');
  });
});

describe('a spec written exactly in the DESIGN §2 format', () => {
  const result = loadSpecText(readFixture('specs/design-example.yaml'), 'design-example.yaml');
  const spec = result.spec!;

  it('validates, with warnings only', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(spec).not.toBeNull();
  });

  it('is normalized: durations in ms, defaults filled, each resolved', () => {
    expect(spec.name).toBe('custom-command');
    expect(spec.surfaces).toEqual([
      { name: 'custom-command', stateDir: '.tau/custom-command', staleAfterMs: 15 * 60_000, kind: null, description: null },
    ]);
    expect(spec.inputs).toEqual([{ name: 'signoff', file: 'release/signoff.yaml', required: false, format: 'yaml', description: null }]);
    expect(spec.schedule).toEqual({ cron: '*/5 * * * *', timezone: 'UTC' });
    expect(spec.promotionWindow).toEqual({ cron: '* 9-16 * * 1-5', timezone: 'Europe/Berlin' });
    expect(spec.phases[0]).toMatchObject({ name: 'canary-1', traffic: 5, soakMs: 1_800_000, minChecks: 1, inherit: false });
    expect(spec.phases[1]).toMatchObject({ name: 'canary-2', traffic: 25, soakMs: 3_600_000, minChecks: 1, inherit: true });
    expect(spec.phases[0]!.gates[0]!.each).toEqual(['custom-command']);
    expect(spec.triggers[0]).toMatchObject({ name: 'health-regression', consecutive: 2, action: 'rollback', severity: 'high', each: ['custom-command'], phases: null });
    expect(spec.health).not.toBeNull();
    expect(spec.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('resolves inherit: canary-2 carries canary-1 gates first, then its own', () => {
    expect(spec.phases[1]!.gates.map((g) => `${g.declaredIn}/${g.name}`)).toEqual([
      'canary-1/healthy', 'canary-1/queue-depth', 'canary-1/no-new-hard-errors', 'canary-2/runs-advancing',
    ]);
  });

  it('parses both kinds of hooks with their timeouts', () => {
    expect(spec.hooks.promote).toEqual([{ kind: 'run', argv: ['./scripts/set-weight.sh'], env: {}, timeoutMs: 30_000 }]);
    expect(spec.hooks.rollback).toEqual([{ kind: 'webhook', url: 'http://127.0.0.1:9000/hooks/rollback', headers: {}, timeoutMs: 10_000 }]);
    expect(spec.hooks.complete).toEqual([]);
  });

  it('records where each rule is, for messages at check time', () => {
    expect(spec.phases[0]!.gates[1]!.source).toEqual({ file: 'design-example.yaml', line: 30, col: 15 });
  });
});

describe('each typical mistake is an error at the right line and column, in plain words', () => {
  const cases: [file: string, code: string, line: number, col: number, message: RegExp][] = [
    ['unknown-key', 'unknown-key', 39, 5, /^unknown key `sevrity` in trigger `health-regression`; did you mean `severity`\?$/],
    ['misspelled-var', 'unknown-var', 25, 32, /`surface.health` has no `queue_dpeth`; did you mean `queue_depth`\?.*gate `queue-depth` of phase `canary-1`/],
    ['unknown-operator', 'unknown-operator', 25, 17, /^unknown json-logic operator `>==` in gate `queue-depth` of phase `canary-1`; did you mean `>=`\?$/],
    ['bad-duration', 'bad-duration', 18, 11, /^`soak` in phase `canary-1` is `30 min`; write durations like 90s, 30m, 1h30m, 24h/],
    ['bad-cron', 'bad-cron', 13, 19, /`schedule.cron` `\*\/5 \* \* \*` is not a valid cron expression: it has 4 fields; write 5 fields/],
    ['unknown-timezone', 'bad-timezone', 14, 54, /`promotionWindow.timezone` `Europe\/Berln` is not a known time zone; did you mean `Europe\/Berlin`\?/],
    ['duplicate-gate-name', 'duplicate-gate-name', 31, 15, /^gate name `queue-depth` is used twice \(first at line 23\)/],
    ['each-undeclared-surface', 'unknown-surface', 24, 22, /`each` names surface `apii`, which the spec does not declare under `surfaces`; did you mean `api`\?/],
    ['yaml-syntax', 'yaml-syntax', 18, 5, /^YAML syntax error: Flow sequence .* end with a \]/],
    ['duplicate-yaml-key', 'duplicate-key', 28, 5, /^duplicate key `traffic`: YAML keeps only one of the two values/],
  ];
  for (const [file, code, line, col, message] of cases) {
    it(file, () => {
      const path = `fixtures/specs/invalid/${file}.yaml`;
      const result = loadSpecText(readFileSync(fixture(`specs/invalid/${file}.yaml`)), path);
      const found = result.diagnostics.filter((d) => d.severity === 'error');
      expect(result.spec).toBeNull();
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ code, line, col, file: path });
      expect(found[0]!.message).toMatch(message);
    });
  }
});

describe('hostile and broken files never throw and always explain', () => {
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    .concat([...'bcdefghi'].map((c, i) => `${c}: &${c} [${Array(9).fill('*' + 'abcdefghi'[i]).join(',')}]`)).join('\n');
  const cases: [string, string | Uint8Array, string, RegExp][] = [
    ['an empty file', '', 'empty-spec', /the spec is empty/],
    ['only comments', '# nothing here\n', 'empty-spec', /the spec is empty/],
    ['a YAML scalar', 'just text\n', 'not-a-mapping', /must be a mapping .* holds a single string value/],
    ['a YAML list', '- a\n- b\n', 'not-a-mapping', /holds a list/],
    ['two documents', 'a: 1\n---\nb: 2\n', 'multiple-documents', /more than one YAML document/],
    ['a 5 MB file', 'k: ' + 'x'.repeat(5 * 1024 * 1024) + '\n', 'too-large', /the spec is 5\.0 MiB; rollgate reads specs up to 1 MiB/],
    ['binary garbage', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256), 'not-text', /not a text file/],
    ['invalid UTF-8', Uint8Array.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]), 'not-text', /not valid UTF-8/],
    ['an alias bomb', bomb, 'too-many-aliases', /alias/],
    ['deep flow nesting', '['.repeat(100_000), 'too-deep', /nests too deeply/],
    ['deep block nesting', 'a: ' + '{b: '.repeat(200) + '1' + '}'.repeat(200), 'too-deep', /nests deeper than 64 levels/],
  ];
  for (const [what, content, code, message] of cases) {
    it(what, () => {
      const found = errors(content);
      expect(found.length).toBeGreaterThan(0);
      expect(found[0]!.code).toBe(code);
      expect(found[0]!.message).toMatch(message);
    });
  }

  it('more aliases than the limit, even small ones, is refused', () => {
    const text = 'x: &x 1\nlist: [' + Array(101).fill('*x').join(', ') + ']\n';
    expect(errors(text)[0]).toMatchObject({ code: 'too-many-aliases', line: 2 });
  });

  it('a few anchors and merge keys are fine', () => {
    const text = MINIMAL.replace('surfaces:\n  web:\n    stateDir: .tau/web\n    staleAfter: 15m\n  api:\n    stateDir: .tau/api\n    staleAfter: 15m',
      'surfaces:\n  web: &surface\n    stateDir: .tau/web\n    staleAfter: 15m\n  api:\n    <<: *surface\n    stateDir: .tau/api');
    expect(errors(text)).toEqual([]);
  });
});
