/**
 * src/cli/emit.ts writes what a renderer returned: stderr, stdout, and the step summary appended
 * to the file $GITHUB_STEP_SUMMARY names (the decision `github` format's Markdown report).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emit } from '../../src/cli/emit.js';
import { DECISION_RENDERERS } from '../../src/report/decision/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureSpec, RECORD } from './fixture-record.js';

const spec = fixtureSpec();

describe('emit', () => {
  const written: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    written.length = 0;
  });
  const capture = () => {
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(`out:${String(chunk)}`), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(`err:${String(chunk)}`), true));
  };

  it('appends the github renderer\'s step summary to $GITHUB_STEP_SUMMARY, once per emit, and prints the annotations', () => {
    const summary = join(tempDir('emit'), 'step-summary.md');
    writeFileSync(summary, 'before\n');
    const rendered = DECISION_RENDERERS.github(RECORD, { spec, explain: false });
    capture();
    emit(rendered, { GITHUB_STEP_SUMMARY: summary });
    emit(rendered, { GITHUB_STEP_SUMMARY: summary });
    vi.restoreAllMocks();
    const markdown = DECISION_RENDERERS.markdown(RECORD, { spec, explain: false }).stdout;
    expect(readFileSync(summary, 'utf8')).toBe('before\n' + (markdown + '\n').repeat(2));
    expect(written).toEqual([`out:${rendered.stdout}`, `out:${rendered.stdout}`]);
  });

  it('reads $GITHUB_STEP_SUMMARY from the environment by default', () => {
    const summary = join(tempDir('emit'), 'from-env.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    capture();
    emit({ stdout: 'x\n', appendToStepSummary: '# hi\n' });
    vi.restoreAllMocks();
    expect(readFileSync(summary, 'utf8')).toBe('# hi\n');
  });

  it('without $GITHUB_STEP_SUMMARY (or with it empty) the step summary is dropped, and no file is made', () => {
    const dir = tempDir('emit');
    capture();
    emit({ stdout: 'x\n', appendToStepSummary: '# hi\n' }, {});
    emit({ stdout: 'y\n', appendToStepSummary: '# hi\n' }, { GITHUB_STEP_SUMMARY: '' });
    vi.restoreAllMocks();
    expect(written).toEqual(['out:x\n', 'out:y\n']);
    expect(existsSync(join(dir, 'step-summary.md'))).toBe(false);
  });

  it('a part\'s stderr (its diagnostics) before its stdout; parts in order; empty parts print nothing', () => {
    capture();
    emit([{ stdout: 'report\n', stderr: 'a.yaml:1:1: error: x\n' }, { stdout: '', stderr: 'after\n' }, { stdout: '', stderr: '' }], {});
    vi.restoreAllMocks();
    expect(written).toEqual(['err:a.yaml:1:1: error: x\n', 'out:report\n', 'err:after\n']);
  });
});
