/** What the schema cannot say about `routing:`: one provider, one socket, two different servers. */
import { asRecord, isRecord, type Reporter } from './reporter.js';

const PROVIDERS = ['haproxy', 'nginx', 'command'] as const;

export function lintRouting(report: Reporter): void {
  const routing = report.data.routing;
  if (!isRecord(routing)) return;
  const given = PROVIDERS.filter((p) => routing[p] !== undefined);
  if (given.length !== 1) {
    report.error('routing-provider', given.length === 0
      ? '`routing` names no provider; give one of `haproxy`, `nginx` or `command`'
      : `\`routing\` names ${given.map((p) => `\`${p}\``).join(' and ')}; a rollout's traffic is set in one place, so keep one`, ['routing'], 'key');
    return;
  }
  const provider = given[0]!;
  const r = asRecord(routing[provider]);
  if (provider === 'haproxy' && (r.socket === undefined) === (r.address === undefined)) {
    report.error('haproxy-socket', r.socket === undefined
      ? '`routing.haproxy` needs its stats socket: `socket: /run/haproxy/admin.sock` or `address: 127.0.0.1:9999` (at level admin)'
      : '`routing.haproxy` has both `socket` and `address`; keep the one HAProxy listens on', ['routing', 'haproxy'], 'key');
  }
  if ((provider === 'haproxy' || provider === 'nginx') && typeof r.stable === 'string' && r.stable === r.canary) {
    report.error('same-server', `\`routing.${provider}\` names \`${r.stable}\` as both stable and canary, so no weight could ever move traffic`, ['routing', provider, 'canary']);
  }
}
