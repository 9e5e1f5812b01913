/**
 * What a test file can only be checked for once its spec is loaded: the names it uses exist,
 * and every `at` is an instant the case really checks at. A typo must never make a case pass.
 */
import { checkTimes } from '../simulate/simulate.js';
import { unknownNames } from '../simulate/timeline.js';
import type { Diagnostic } from '../spec/diagnostic.js';
import { formatDuration } from '../time/duration.js';
import { didYouMean } from '../spec/suggest.js';
import type { Spec } from '../spec/types.js';
import type { TestFile } from './test-file.js';

export function checkAgainstSpec(tf: TestFile, spec: Spec): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: (string | number)[], message: string, code = 'unknown-name') => {
    const { line, col } = tf.sourceMap.locate(path);
    out.push({ severity: 'error', code, message, file: tf.file, line, col, path: '' });
  };
  const phases = spec.phases.map((p) => p.name);
  const gates = new Set(spec.phases.flatMap((p) => p.gates.map((g) => g.name)));
  const triggers = spec.triggers.map((t) => t.name);
  const surfaces = spec.surfaces.map((s) => s.name);
  const known = (kind: string, name: string, names: Iterable<string>, path: (string | number)[]) => {
    const list = [...names];
    if (!list.includes(name)) report(path, `${spec.file} has no ${kind} \`${name}\`${didYouMean(name, list)} (${kind}s: ${list.join(', ')})`);
  };

  tf.cases.forEach((c, i) => {
    for (const problem of unknownNames(c.timeline, spec)) {
      // Inline timelines point at the offending key; a timeline file is named in the message.
      if (c.timeline.file === tf.file) report(['cases', i, 'timeline', ...problem.path], problem.message);
      else report(['cases', i, 'timeline'], `${c.timeline.file}: ${problem.message}`);
    }
    let times: Set<number>;
    try {
      times = new Set(checkTimes(spec, c.timeline));
    } catch (err) {
      report(['cases', i, 'timeline'], (err as Error).message, 'too-many-checks');
      return;
    }
    c.expect.forEach((e, k) => {
      const path = ['cases', i, 'expect', k];
      if (e.phase !== undefined) known('phase', e.phase, phases, [...path, 'phase']);
      if (e.gate !== undefined) known('gate', e.gate, gates, [...path, 'gate']);
      if (e.trigger !== undefined) known('trigger', e.trigger, triggers, [...path, 'trigger']);
      if (e.surface !== undefined) known('surface', e.surface, surfaces, [...path, 'surface']);
      if (e.rolled_back_by !== undefined && e.rolled_back_by !== 'manual' && e.rolled_back_by !== 'any') known('trigger', e.rolled_back_by, triggers, [...path, 'rolled_back_by']);
      if (e.at !== null && !times.has(e.at)) {
        const offset = formatDuration(e.at - c.timeline.start);
        report([...path, 'at'], `no check runs at ${new Date(e.at).toISOString()} (${offset} after the start) in this case; add \`${offset}\` to the timeline's \`checks_at\`, or use \`by\``, 'not-a-check');
      }
    });
  });
  return out;
}
