/** `rollgate evaluate <spec>`: one check; exit 0 promote/wait/complete, 1 hold, 2 rollback. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DECISION_RENDERERS, type EvaluateFormat } from '../report/decision/index.js';
import { runCheck } from '../runner/run-check.js';
import type { Observations } from '../engine/observations.js';
import type { DecisionRecord } from '../engine/record.js';
import type { Rendered } from '../report/renderer.js';
import { recordSnapshot } from '../simulate/record-snapshot.js';
import { safeLine, terminalSafe } from '../report/escape.js';
import { onScanProgress } from '../observe/log-reader.js';
import { emit } from './emit.js';
import { collectOnlyAtTheLimit } from './heap-policy.js';
import { rollgateTool } from './validate.js';
import { EXIT, EXIT_OF, noFail, VERDICTS } from './exit-codes.js';
import { collectPair, ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface EvaluateOptions extends PlaceOptions {
  dryRun?: boolean;
  explain?: boolean;
  input?: string[];
  format: EvaluateFormat;
  /** Save what the check read as a snapshot of a recorded timeline under this folder. */
  record?: string;
  /** Exit 0 on hold and rollback too (the decision is still printed): errors only fail. */
  noFail?: boolean;
  /** commander's spelling of `--no-fail` (false when given). */
  fail?: boolean;
}

export function runEvaluate(specFile: string, options: EvaluateOptions): Promise<number> {
  return withExitCodes('evaluate', async () => {
    const spec = loadSpecOrExit(specFile);
    collectOnlyAtTheLimit(spec);
    const place = placeOf(options);
    const inputFiles: Record<string, string> = {};
    for (const [name, file] of Object.entries((options.input ?? []).reduce<Record<string, string>>((acc, v) => collectPair(v, acc), {}))) {
      if (!spec.inputs.some((i) => i.name === name)) {
        throw new ExitError(`--input ${name}=…: the spec declares no input \`${name}\` (it has ${spec.inputs.map((i) => i.name).join(', ') || 'none'})`, EXIT.USAGE);
      }
      const path = resolve(file);
      if (!existsSync(path)) throw new ExitError(`--input ${name}=${file}: no such file`, EXIT.MISSING);
      inputFiles[name] = path;
    }
    let recorded: string | null = null;
    const observed = options.record === undefined ? undefined : (obs: Observations) => { recorded = recordSnapshot(spec, place.root, obs, place.nowMs, resolve(options.record!)); };
    // A first check over a large log takes seconds: say how far it got, on a terminal only.
    const progress = process.stderr.isTTY && options.format === 'text';
    if (progress) onScanProgress((name, done, total) => process.stderr.write(`\r\x1b[K${terminalSafe(`reading ${name}: ${Math.round(done / 1e6)} of ${Math.round(total / 1e6)} MB`)}`));
    const render = (r: DecisionRecord) => DECISION_RENDERERS[options.format](r, { spec, explain: options.explain ?? false, ...(options.format === 'sarif' ? { tool: rollgateTool() } : {}) });
    // Rendered while the journal's fsync waits; printed only once committed, and only if the
    // check returns that record (a note added after the commit makes a new one).
    let early: { record: DecisionRecord; text: Rendered } | null = null;
    const whileCommitting = (r: DecisionRecord) => {
      try {
        early = { record: r, text: render(r) };
      } catch {
        early = null; // rendered again below, where a failure is reported
      }
    };
    let record: DecisionRecord;
    try {
      ({ record } = await runCheck(spec, { ...place, dryRun: options.dryRun ?? false, inputFiles, observed, whileCommitting }));
    } finally {
      if (progress) {
        onScanProgress(null);
        process.stderr.write('\r\x1b[K');
      }
    }
    if (recorded !== null) process.stderr.write(`${safeLine(`rollgate evaluate: ${recorded}`)}\n`);
    const rendered = early as { record: DecisionRecord; text: Rendered } | null;
    emit(rendered?.record === record ? rendered.text : render(record));
    return (options.noFail ?? options.fail === false) ? noFail(EXIT_OF[record.decision], VERDICTS.evaluate) : EXIT_OF[record.decision];
  });
}
