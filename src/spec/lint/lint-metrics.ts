/**
 * What the schema cannot say about `metrics:` and the trigger counters that read them: one source
 * per metric, placeholders that exist, no credentials in the spec text, one way of counting.
 */
import { TEMPLATE_NAMES, isTemplateName, placeholders } from '../query-template.js';
import { didYouMean } from '../suggest.js';
import { asArray, asRecord, isRecord, nameOf, type Reporter } from './reporter.js';

export function lintMetrics(report: Reporter): void {
  for (const [name, metric] of Object.entries(asRecord(report.data.metrics))) {
    if (!isRecord(metric)) continue;
    const sources = (['prometheus', 'http'] as const).filter((k) => metric[k] !== undefined);
    if (sources.length !== 1) {
      report.error('metric-source', sources.length === 0
        ? `metric \`${name}\` has no source; give it \`prometheus: { address, query }\` or \`http: { url, pointer }\``
        : `metric \`${name}\` has both \`prometheus\` and \`http\`; a metric reads one source (declare two metrics to read both)`, ['metrics', name], 'key');
      continue;
    }
    const kind = sources[0]!;
    const source = asRecord(metric[kind]);
    for (const field of kind === 'prometheus' ? ['address', 'query'] : ['url']) {
      const text = source[field];
      if (typeof text !== 'string') continue;
      for (const p of placeholders(text)) {
        if (isTemplateName(p.name)) continue;
        report.error('unknown-placeholder', `\`{{${p.name}}}\` in metric \`${name}\`'s ${field} is not a placeholder rollgate fills` +
          (didYouMean(p.name, TEMPLATE_NAMES) || `; the placeholders are ${TEMPLATE_NAMES.map((n) => `\`{{${n}}}\``).join(', ')}`), ['metrics', name, kind, field]);
      }
      if (field !== 'query' && /^https?:\/\/[^/?#]*@/i.test(text)) {
        report.error('credentials-in-spec', `metric \`${name}\`'s ${field} carries credentials (\`user:password@\`), which would sit in the spec text, in reviews and in records; remove them and send \`headers: { Authorization: { env: NAME } }\` or \`bearerToken: { env: NAME }\` instead`, ['metrics', name, kind, field]);
      }
    }
  }

  asArray(report.data.triggers).forEach((trigger, i) => {
    const t = asRecord(trigger);
    if (t.count !== undefined && t.consecutive !== undefined) {
      report.error('count-and-consecutive', `trigger \`${nameOf(t)}\` has both \`consecutive\` (matches in a row) and \`count\` (matches within the phase); keep one`, ['triggers', i, 'count'], 'key');
    }
    if (t.within !== undefined && t.count === undefined) {
      report.error('within-without-count', `trigger \`${nameOf(t)}\` has \`within\` but no \`count\`: say how many matching checks within the phase fire it, e.g. \`count: 3\``, ['triggers', i, 'within'], 'key');
    }
  });
}
