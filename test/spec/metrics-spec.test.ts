/** `metrics:` in the spec: what validate refuses, at which line and column, and what it accepts. */
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load-spec.js';

function lint(metrics: string, { gates = '', triggers = '', health = '' } = {}) {
  const text = `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: m }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
metrics:
${metrics}
${health}
phases:
  - name: canary-1
    traffic: 5
    gates:
${gates || '      - { name: low, rule: { "<": [ { var: metrics.err.value }, 0.01 ] } }'}
  - name: ga
    traffic: 100
${triggers ? `triggers:\n${triggers}` : ''}
`;
  const r = loadSpecText(text, 'm.yaml');
  return { spec: r.spec, found: r.diagnostics.map((d) => `${d.severity} ${d.line}:${d.col} ${d.code}: ${d.message}`) };
}

const ERR = '  err:\n    prometheus: { address: "http://127.0.0.1:9090", query: "sum(rate(e[5m]))" }';

describe('metrics in the spec', () => {
  it('a valid metric normalizes with defaults: 5s timeout, onNoData hold, no reduce, no credentials', () => {
    const { spec, found } = lint(ERR);
    expect(found).toEqual([]);
    expect(spec!.metrics).toEqual([{ name: 'err', description: null, timeoutMs: 5000, onNoData: 'hold', source: { kind: 'prometheus', address: 'http://127.0.0.1:9090', query: 'sum(rate(e[5m]))', reduce: null, headers: {}, bearerToken: null } }]);
  });

  it('an http metric with secrets from env and file, onNoData 0 and a timeout', () => {
    const { spec, found } = lint(`  err:
    http: { url: "http://127.0.0.1:8080/h?p={{ phase.name }}", pointer: /health/failure_streak, headers: { X-Scope-OrgID: { env: TENANT } }, bearerToken: { file: token.txt } }
    timeout: 750ms
    onNoData: 0`, { gates: '      - { name: low, rule: { "==": [ { var: metrics.err.value }, 0 ] } }' });
    expect(found).toEqual([]);
    expect(spec!.metrics[0]).toMatchObject({ timeoutMs: 750, onNoData: { value: 0 }, source: { kind: 'http', headers: { 'X-Scope-OrgID': { env: 'TENANT' } }, bearerToken: { file: 'token.txt' } } });
  });

  it('refuses unknown metrics and fields in rules, with a suggestion, at the var', () => {
    expect(lint(ERR, { gates: '      - { name: low, rule: { "<": [ { var: metrics.eror.value }, 0.01 ] } }' }).found).toContain(
      'error 14:44 unknown-var: `metrics.eror.value` reads metric `eror`, which is not declared under `metrics`; did you mean `err`? (in gate `low` of phase `canary-1`)');
    expect(lint(ERR, { gates: '      - { name: low, rule: { "<": [ { var: metrics.err.vlaue }, 0.01 ] } }' }).found.join('\n')).toMatch(/unknown path `metrics\.err\.vlaue`: `metrics\.err` has no `vlaue`; did you mean `value`\?/);
  });

  it('a Prometheus value is a number: comparing it with a string is refused at the literal', () => {
    expect(lint(ERR, { gates: '      - { name: low, rule: { "<": [ { var: metrics.err.value }, "0.01" ] } }' }).found.join('\n')).toMatch(/`metrics\.err\.value` is a number, but `<` .* compares it with the string `"0\.01"`/);
  });

  it('refuses a metric with no source or two, an unknown placeholder, and credentials in a URL', () => {
    expect(lint('  err:\n    timeout: 5s').found.join('\n')).toMatch(/metric `err` has no source/);
    expect(lint(`${ERR}\n    http: { url: "http://x", pointer: /a }`).found.join('\n')).toMatch(/metric `err` has both `prometheus` and `http`/);
    expect(lint('  err:\n    prometheus: { address: "http://127.0.0.1:9090", query: "up{phase=\\"{{phase.nmae}}\\"}" }').found.join('\n'))
      .toMatch(/error 8:\d+ unknown-placeholder: `\{\{phase\.nmae\}\}` in metric `err`'s query is not a placeholder rollgate fills; did you mean `phase\.name`\?/);
    const creds = lint('  err:\n    prometheus: { address: "https://admin:s3cret@prom.internal", query: up }').found.join('\n');
    expect(creds).toMatch(/credentials-in-spec: metric `err`'s address carries credentials/);
  });

  it('refuses literal header values and tokens: secrets come from env or files', () => {
    expect(lint('  err:\n    prometheus: { address: "http://p", query: up, bearerToken: abc }').found.join('\n')).toMatch(/give a secret as `\{ env: NAME \}` or `\{ file: path \}`/);
    expect(lint('  err:\n    prometheus: { address: "http://p", query: up, headers: { X-Token: abc } }').found.join('\n')).toMatch(/secret/);
  });

  it('warns about a metric no rule reads, and refuses metrics in health rules', () => {
    expect(lint(`${ERR}\n  unused:\n    prometheus: { address: "http://p", query: up }`).found).toContain(
      'warning 9:3 unused-metric: metric `unused` is declared but no gate or trigger reads it, so it is queried at every check for nothing');
    const health = 'health:\n  failing: { ">": [ { var: metrics.err.value }, 1 ] }\n  degraded: false';
    expect(lint(ERR, { health }).found.join('\n')).toMatch(/unknown path `metrics\.err\.value`/);
  });

  it('trigger counters: count or consecutive, not both; within needs count; onError takes consecutive and action', () => {
    const t = (extra: string) => lint(ERR, { triggers: `  - { name: spike, when: { ">": [ { var: metrics.err.value }, 0.05 ] }, action: rollback${extra} }` });
    expect(t(', count: 3, consecutive: 2').found.join('\n')).toMatch(/count-and-consecutive: trigger `spike` has both/);
    expect(t(', within: phase').found.join('\n')).toMatch(/within-without-count/);
    expect(t(', onError: { consecutive: 4 }').found.join('\n')).toMatch(/action/);
    const ok = t(', count: 3, onError: { consecutive: 4, action: rollback }');
    expect(ok.found).toEqual([]);
    expect(ok.spec!.triggers[0]).toMatchObject({ consecutive: 3, count: { matches: 3, within: 'phase' }, onError: { consecutive: 4, action: 'rollback' } });
  });
});
