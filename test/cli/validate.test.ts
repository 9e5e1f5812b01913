import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollgate } from '../helpers/cli.js';
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
    expect(r.stdout).toContain('3 specs checked');
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
    expect(help.stdout).toContain('Exit: 0 all valid (warnings allowed), 65 any invalid, 66 a file is missing.');
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
