import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
import { minimalWith } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('validate');

describe('rollgate validate', () => {
  it('exits 0 on the bundled specs, one line per spec and a summary', () => {
    const r = rollgate(['validate', 'specs/custom-command.yaml', 'specs/dashboard.yaml', 'specs/release.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok      specs/release.yaml');
    expect(r.stdout).toContain('3 specs checked: 3 valid, 0 invalid (0 errors, 0 warnings)');
    expect(r.stderr).toBe('');
  });

  it('expands a directory to the specs in it', () => {
    const r = rollgate(['validate', 'specs/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 specs checked');
  });

  it('exits 65 with file:line:col: error: sentence on stderr for an invalid spec', () => {
    const r = rollgate(['validate', 'fixtures/specs/invalid/unknown-key.yaml']);
    expect(r.code).toBe(65);
    expect(r.stderr).toBe('fixtures/specs/invalid/unknown-key.yaml:39:5: error: unknown key `sevrity` in trigger `health-regression`; did you mean `severity`?\n');
    expect(r.stdout).toContain('INVALID fixtures/specs/invalid/unknown-key.yaml');
  });

  it('exits 65 for each typical mistake, naming the place', () => {
    for (const [name, at] of [
      ['unknown-key', '39:5'], ['misspelled-var', '25:32'], ['unknown-operator', '25:17'], ['bad-duration', '18:11'], ['bad-cron', '13:19'],
      ['unknown-timezone', '14:54'], ['duplicate-gate-name', '31:15'], ['each-undeclared-surface', '24:22'], ['yaml-syntax', '18:5'], ['duplicate-yaml-key', '28:5'],
    ]) {
      const file = `fixtures/specs/invalid/${name}.yaml`;
      const r = rollgate(['validate', file]);
      expect(r.code, name).toBe(65);
      expect(r.stderr, name).toMatch(new RegExp(`^${file}:${at}: error: `));
    }
  });

  it('prints warnings but passes', () => {
    const r = rollgate(['validate', 'fixtures/specs/design-example.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/design-example.yaml:\d+:\d+: warning: input `signoff` is declared but no gate or trigger reads it/);
  });

  it('exits 65 on a reason code one edit from a documented one, at the code, with the suggestion', () => {
    const r = rollgate(['validate', 'fixtures/specs/invalid/misspelled-reason-code.yaml']);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/^fixtures\/specs\/invalid\/misspelled-reason-code.yaml:35:32: error: reason code `case_procesing_failed` in `surface.events.phase.case_procesing_failed` .*; did you mean `case_processing_failed`\? \(in gate `no-new-hard-errors` of phase `general-availability`\)\n$/);
  });

  it('a reason code far from every documented one: a warning (exit 0), an error with --strict (exit 65)', () => {
    const file = 'fixtures/specs/undocumented-reason-code.yaml';
    const warned = rollgate(['validate', file]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/^fixtures\/specs\/undocumented-reason-code.yaml:36:32: warning: reason code `cache_entries_evicted` .* is not one the producer documents/);
    expect(warned.stdout).toContain('1 spec checked: 1 valid, 0 invalid (0 errors, 1 warning)');
    const strict = rollgate(['validate', '--strict', file]);
    expect(strict.code).toBe(65);
    expect(strict.stderr).toMatch(/^fixtures\/specs\/undocumented-reason-code.yaml:36:32: error: reason code `cache_entries_evicted`/);
    expect(strict.stdout).toContain(`INVALID ${file}`);
    expect(strict.stdout).toContain('1 spec checked: 0 valid, 1 invalid (1 error, 0 warnings)');
    // A spec without warnings is just as valid under --strict.
    expect(rollgate(['validate', '--strict', 'specs/']).code).toBe(0);
  });

  it('--strict shows the warning as an error in every --format', () => {
    const file = 'fixtures/specs/undocumented-reason-code.yaml';
    const json = rollgate(['validate', '--strict', '--format', 'json', file]);
    expect(json.code).toBe(65);
    const [out] = JSON.parse(json.stdout) as { valid: boolean; errors: { code: string; line: number; col: number }[]; warnings: unknown[] }[];
    expect(out).toMatchObject({ valid: false, warnings: [], errors: [{ code: 'unknown-reason-code', line: 36, col: 32 }] });
    expect(out).not.toHaveProperty('rollout');
    const github = rollgate(['validate', '--strict', '--format', 'github', file]);
    expect(github.code).toBe(65);
    expect(github.stdout).toMatch(/^::error file=fixtures\/specs\/undocumented-reason-code.yaml,line=36,col=32,title=rollgate unknown-reason-code::/);
    const junit = rollgate(['validate', '--strict', '--format', 'junit', file]);
    expect(junit.code).toBe(65);
    expect(junit.stdout).toContain('failures="1" errors="0"');
    expect(junit.stdout).toContain('<failure message="1 error: reason code `cache_entries_evicted`');
    const md = rollgate(['validate', '--strict', '--format', 'markdown', file]);
    expect(md.code).toBe(65);
    expect(md.stdout).toContain(`| \`${file}:36:32\` | error |`);
    expect(md.stdout).toContain(`| \`${file}\` | **invalid** |`);
  });

  it('exits 65 on an integer field compared with "3", at the literal', () => {
    const r = rollgate(['validate', 'fixtures/specs/invalid/type-mismatch.yaml']);
    expect(r.code).toBe(65);
    expect(r.stderr).toBe('fixtures/specs/invalid/type-mismatch.yaml:25:62: error: `surface.health.queue_depth` is an integer, but `<=` in gate `queue-depth` of phase `canary-1` compares it with the string `"3"`; rollgate compares values of one type only, so the check would error (and hold): write the number without quotes, `3`\n');
  });

  it('exits 65 on a boolean field compared with "true"', () => {
    const file = join(tempDir('validate-present'), 'present.yaml');
    writeFileSync(file, minimalWith('{ "<=": [ { var: surface.health.queue_depth }, 1 ] }', '{ "==": [ { var: surface.present }, "true" ] }'));
    const r = rollgate(['validate', file]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/:25:51: error: `surface.present` is a boolean \(true or false\), but `==` .* the string `"true"`; .*: write `true` without quotes\n$/);
  });

  it('exits 65 on `=<`, suggesting `<=`', () => {
    const r = rollgate(['validate', 'fixtures/specs/invalid/operator-typo.yaml']);
    expect(r.code).toBe(65);
    expect(r.stderr).toBe('fixtures/specs/invalid/operator-typo.yaml:25:17: error: unknown json-logic operator `=<` in gate `queue-depth` of phase `canary-1`; did you mean `<=`?\n');
  });

  it('exits 66 when a file is missing, even beside valid specs', () => {
    const r = rollgate(['validate', 'specs/release.yaml', 'specs/nope.yaml']);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('specs/nope.yaml: error: no such file');
  });

  it('exits 66 for a directory without specs: an empty glob never passes', () => {
    expect(rollgate(['validate', tmp]).code).toBe(66);
  });

  it('exits 65 on an empty file, a scalar, binary garbage, a 5 MB file and a device', () => {
    writeFileSync(join(tmp, 'big.yaml'), 'k: ' + 'x'.repeat(5 * 1024 * 1024));
    const big = rollgate(['validate', join(tmp, 'big.yaml')]);
    expect(big.code).toBe(65);
    expect(big.stderr).toContain('the spec is 5.0 MiB; rollgate reads specs up to 1 MiB');
    const device = rollgate(['validate', '/dev/zero']);
    expect(device.code).toBe(65);
    expect(device.stderr).toContain('/dev/zero: error: this is not a regular file');
    writeFileSync(join(tmp, 'empty.yaml'), '');
    writeFileSync(join(tmp, 'scalar.yaml'), '42\n');
    writeFileSync(join(tmp, 'garbage.yaml'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)));
    for (const f of ['empty.yaml', 'scalar.yaml', 'garbage.yaml']) {
      const r = rollgate(['validate', join(tmp, f)]);
      expect(r.code, f).toBe(65);
      expect(r.stderr, f).toMatch(/:1:1: error: the spec (is empty|must be a mapping|is not a text file)/);
    }
  });

  it('--format json gives file, valid, errors and warnings with positions', () => {
    const r = rollgate(['validate', '--format', 'json', 'specs/release.yaml', 'fixtures/specs/invalid/bad-cron.yaml']);
    expect(r.code).toBe(65);
    const out = JSON.parse(r.stdout) as { file: string; valid: boolean; errors: { line: number; col: number; path: string; message: string }[]; warnings: unknown[] }[];
    expect(out[0]).toMatchObject({ file: 'specs/release.yaml', valid: true, errors: [], warnings: [] });
    expect(out[1]).toMatchObject({ file: 'fixtures/specs/invalid/bad-cron.yaml', valid: false });
    expect(out[1]!.errors).toEqual([{ line: 13, col: 19, path: '/schedule/cron', code: 'bad-cron', message: expect.stringMatching(/not a valid cron expression/) }]);
  });

  it('--format github prints workflow annotations', () => {
    const r = rollgate(['validate', '--format', 'github', 'fixtures/specs/invalid/misspelled-var.yaml']);
    expect(r.code).toBe(65);
    expect(r.stdout.split('\n')[0]).toMatch(/^::error file=fixtures\/specs\/invalid\/misspelled-var.yaml,line=25,col=32,title=rollgate unknown-var::unknown path `surface.health.queue_dpeth`/);
  });

  it('--format junit and markdown', () => {
    const junit = rollgate(['validate', '--format', 'junit', 'specs/release.yaml', 'fixtures/specs/invalid/bad-duration.yaml']);
    expect(junit.stdout).toContain('<testsuite name="rollgate validate" tests="2" failures="1" errors="0">');
    expect(junit.stdout).toContain('<failure message="1 error: `soak` in phase `canary-1` is `30 min`;');
    const md = rollgate(['validate', '--format', 'markdown', 'fixtures/specs/invalid/bad-duration.yaml']);
    expect(md.stdout).toContain('| `fixtures/specs/invalid/bad-duration.yaml:18:11` | error |');
  });

  it('usage errors exit 64; --help and --version exit 0', () => {
    expect(rollgate(['validate']).code).toBe(64);
    const bare = rollgate([]);
    expect(bare.code).toBe(64);
    expect(bare.stderr).toContain('Usage: rollgate');
    expect(rollgate(['validate', '--format', 'xml', 'specs/release.yaml']).code).toBe(64);
    const typo = rollgate(['valdate', 'specs/release.yaml']);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain('Did you mean validate?');
    const help = rollgate(['validate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:\n +0  every spec is valid \(or --no-fail\)\n +65  a spec is invalid/);
    expect(help.stdout).toMatch(/--strict +treat every warning as an error \(exit 65\)/);
    expect(help.stdout).toContain('rollgate validate --strict specs/');
    expect(rollgate(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a reader that closes the pipe early (`| head`) ends the command quietly', async () => {
    const { spawn } = await import('node:child_process');
    const { ROOT } = await import('../helpers/paths.js');
    const child = spawn(process.execPath, [ROOT + 'bin/rollgate.js', 'simulate', 'specs/release.yaml', '--timeline', 'fixtures/timelines/release-healthy.yaml', '--format', 'json'], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});
