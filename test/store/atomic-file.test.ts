/**
 * Staging a file (src/store/atomic-file.ts, stageFileAsync) on real files: written, renamed
 * into place, then fsynced; a write or rename that fails leaves no temp file and no open
 * descriptor (a long `run` stages a state at every check).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageFileAsync } from '../../src/store/atomic-file.js';
import { tempDir } from '../helpers/temp-dir.js';

/** This process's open descriptors (Linux). */
const openFds = () => readdirSync('/proc/self/fd').length;

describe('staging a file', () => {
  it('is in place under its name when the promise resolves, and durable when `durable` does', async () => {
    const dir = tempDir('stage');
    const path = join(dir, 'rollout.json.next');
    const staging = await stageFileAsync(path, '{"check":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"check":1}\n');
    await staging.durable;
    expect(readdirSync(dir)).toEqual(['rollout.json.next']);
  });

  it('a rename that fails (a directory holds the name) rejects, saying where, and leaves no temp file and no descriptor open', async () => {
    const dir = tempDir('stage');
    const path = join(dir, 'rollout.json.next');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
    const before = openFds();
    for (let i = 0; i < 20; i++) await expect(stageFileAsync(path, '{"check":1}\n')).rejects.toThrow(path);
    expect(openFds()).toBe(before);
    expect(readdirSync(dir)).toEqual(['rollout.json.next']);
  });
});
