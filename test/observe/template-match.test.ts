/**
 * The WebAssembly template matcher (src/observe/template-match.wat) at its edges: the committed
 * bytes are the .wat's, and the lines and pieces it must hand back to the scanner (too long for a
 * template, too large for its memory, no newline, bytes left from a longer piece) count exactly
 * as the reference counts them. scan-templates.test.ts holds the property tests of the matching.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembled } from '../../scripts/build/wasm.mjs';
import { emptyTally, type LogTally } from '../../src/engine/log-tally.js';
import { forgetShapes, scanLines, scanLinesReference } from '../../src/observe/line-scanner.js';
import { ROOT } from '../helpers/paths.js';

const plain = (t: LogTally) => ({ ...t, codes: { ...t.codes } });

function reference(buf: Buffer): LogTally {
  const t = emptyTally();
  scanLinesReference(buf, t, { name: 'runtime-events.jsonl', offset: 0 });
  return plain(t);
}

/** buf scanned in the given pieces (offsets where one ends), warm from the earlier pieces. */
function scanned(buf: Buffer, cuts: number[] = []): LogTally {
  const t = emptyTally();
  let from = 0;
  for (const cut of [...cuts, buf.length]) {
    scanLines(buf, from, cut, t, { name: 'runtime-events.jsonl', offset: from });
    from = cut;
  }
  return plain(t);
}

const line = (n: number, pad: string) => `{"timestamp_unix_ms":${n},"health_reason":"${pad}","reason_codes":["retry_attempted"],"n":${n % 7}}`;
/** A line of exactly `bytes` bytes, newline included. */
const lineOf = (bytes: number, n = 1771200000000) => {
  const short = line(n, '');
  return line(n, 'x'.repeat(bytes - 1 - short.length));
};

describe('template matcher', () => {
  it('is the committed .wat assembled (npm run build:wasm after an edit)', async () => {
    expect(readFileSync(new URL('../../src/observe/template-match-wasm.ts', import.meta.url), 'utf8')).toBe(await assembled());
  });

  it('lines of 4,096 bytes (the longest a template holds) and 4,097, repeated with other integers', () => {
    forgetShapes();
    for (const bytes of [4095, 4096, 4097, 4200]) {
      const lines = [lineOf(bytes), lineOf(bytes, 1771200000005), lineOf(bytes, 1771200000019).replace('retry_attempted', 'retry_attempteD')];
      const buf = Buffer.from(lines.concat(lines).join('\n') + '\n');
      expect(Buffer.from(lines[0]! + '\n').length).toBe(bytes);
      expect(scanned(buf), `${bytes} bytes`).toEqual(reference(buf));
    }
  });

  it('a piece larger than the matcher holds (a 600 KiB line among templated ones) is scanned by the regexes alone', () => {
    forgetShapes();
    const small = [lineOf(300), lineOf(300, 1771200000123)];
    const huge = line(1, 'y'.repeat(600 * 1024)).replace('"n":1', '"n":1,"reason_codes":["case_processing_failed"]'); // a duplicate key: invalid, suspect
    const buf = Buffer.from([...small, ...small, huge, ...small, 'not json'].join('\n') + '\n');
    const want = reference(buf);
    expect(want.invalid).toBe(2);
    expect(scanned(buf)).toEqual(want);
    // The same lines in pieces: the small ones templated, the huge one in a piece of its own.
    const firstSmall = Buffer.from(small.join('\n') + '\n').length;
    expect(scanned(buf, [firstSmall, 2 * firstSmall])).toEqual(want);
  });

  it('bytes left from a longer piece are not read as the end of a shorter one', () => {
    forgetShapes();
    const a = lineOf(200);
    const b = lineOf(200, 1771200000077);
    // The second piece ends without its newline where the first piece had one; then a line that
    // is a template's line with its newline cut off, and one cut shorter.
    for (const last of [b, b.slice(0, -1), b.slice(0, 150)]) {
      const first = Buffer.from(`${a}\n${a}\n${a}\n`);
      const second = Buffer.from(`${a}\n${last}`);
      const t = emptyTally();
      scanLines(first, 0, first.length, t);
      scanLines(second, 0, second.length, t);
      const want = emptyTally();
      scanLinesReference(first, want);
      scanLinesReference(second, want);
      expect(plain(t), last.slice(-20)).toEqual(plain(want));
    }
  });

  it('without WebAssembly (node --jitless) the regexes count every line, the same counts', () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(i % 500 === 7 ? '{"reason_codes":["case_processing_failed"],"n":01}' : lineOf(200 + (i % 3), 1771200000000 + i * 5000));
    const text = lines.join('\n') + '\n';
    // The built scanner (a child process cannot run the TypeScript), over the file in pieces.
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-jitless-'));
    const log = join(dir, 'runtime-events.jsonl');
    writeFileSync(log, text);
    const script = `
      const { scanLines } = await import(${JSON.stringify(`${ROOT}dist/observe/line-scanner.js`)});
      const { emptyTally } = await import(${JSON.stringify(`${ROOT}dist/engine/log-tally.js`)});
      const buf = (await import('node:fs')).readFileSync(${JSON.stringify(log)});
      const t = emptyTally();
      for (let from = 0; from < buf.length; ) {
        const cut = buf.lastIndexOf(10, Math.min(buf.length - 1, from + 8192)) + 1;
        scanLines(buf, from, cut, t, { name: 'runtime-events.jsonl', offset: from });
        from = cut;
      }
      console.log(JSON.stringify({ wasm: typeof WebAssembly, tally: { ...t, codes: { ...t.codes } } }));`;
    const r = spawnSync(process.execPath, ['--jitless', '--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr.replace('Warning: disabling flag --expose_wasm due to conflicting flags\n', '')).toBe(''); // V8 says it turns WebAssembly off
    const out = JSON.parse(r.stdout) as { wasm: string; tally: LogTally };
    expect(out.wasm).toBe('undefined');
    const want = reference(Buffer.from(text));
    expect(want.invalid).toBe(6);
    expect(out.tally).toEqual(want);
  });
});
