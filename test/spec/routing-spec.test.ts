/** `routing:` in the spec: what validate refuses, where, and what a valid block normalizes to. */
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load-spec.js';

function lint(routing: string) {
  const text = `apiVersion: rollgate/v1
kind: Rollout
metadata: { name: r }
surfaces:
  web: { stateDir: web, staleAfter: 15m }
phases:
  - { name: canary-1, traffic: 5, gates: [ { name: ok, rule: { "==": [ { var: surfaces.web.rollout_gate }, pass ] } } ] }
  - { name: general-availability, traffic: 100 }
routing:
${routing}
`;
  const r = loadSpecText(text, 'r.yaml');
  return { spec: r.spec, found: r.diagnostics.map((d) => `${d.severity} ${d.line}:${d.col} ${d.code}: ${d.message}`) };
}

describe('routing in the spec', () => {
  it('haproxy on a unix socket, with the default timeout', () => {
    const { spec, found } = lint('  haproxy: { socket: /run/haproxy/admin.sock, backend: app, stable: stable, canary: canary }');
    expect(found).toEqual([]);
    expect(spec!.routing).toEqual({ provider: 'haproxy', socket: '/run/haproxy/admin.sock', address: null, backend: 'app', stable: 'stable', canary: 'canary', timeoutMs: 10_000 });
  });

  it('nginx with split_clients, the default test command and variable', () => {
    const { spec, found } = lint('  nginx: { include: conf/rollgate.conf, upstream: app, stable: "127.0.0.1:8081", canary: "127.0.0.1:8082 max_fails=3", splitClients: { key: $cookie_user }, reload: [ nginx, -s, reload ] }\n  timeout: 20s');
    expect(found).toEqual([]);
    expect(spec!.routing).toEqual({ provider: 'nginx', include: 'conf/rollgate.conf', upstream: 'app', stable: '127.0.0.1:8081', canary: '127.0.0.1:8082 max_fails=3', splitClients: { key: '$cookie_user', variable: '$rollgate_upstream' }, test: ['nginx', '-t'], reload: ['nginx', '-s', 'reload'], timeoutMs: 20_000 });
  });

  it('a command with a read-back command', () => {
    const { spec, found } = lint('  command: { run: [ ./set-weights, "{{canary}}", "{{stable}}" ], read: [ ./get-weights ], env: { LB: prod } }');
    expect(found).toEqual([]);
    expect(spec!.routing).toMatchObject({ provider: 'command', run: ['./set-weights', '{{canary}}', '{{stable}}'], read: ['./get-weights'], env: { LB: 'prod' } });
  });

  it('refuses two providers or none, a missing or doubled socket, one server for both sides, and shell strings', () => {
    expect(lint('  haproxy: { socket: s, backend: app, stable: a, canary: b }\n  command: { run: [ x ] }').found.join('\n')).toMatch(/error 9:1 routing-provider: `routing` names `haproxy` and `command`/);
    expect(lint('  timeout: 5s').found.join('\n')).toMatch(/routing-provider: `routing` names no provider/);
    expect(lint('  haproxy: { backend: app, stable: a, canary: b }').found.join('\n')).toMatch(/haproxy-socket: `routing.haproxy` needs its stats socket/);
    expect(lint('  haproxy: { socket: s, address: "127.0.0.1:9999", backend: app, stable: a, canary: b }').found.join('\n')).toMatch(/has both `socket` and `address`/);
    expect(lint('  haproxy: { socket: s, backend: app, stable: app1, canary: app1 }').found.join('\n')).toMatch(/same-server: `routing.haproxy` names `app1` as both stable and canary/);
    expect(lint('  command: { run: "set-weights 5" }').found.join('\n')).toMatch(/write a command as a list/);
    expect(lint('  nginx: { include: x.conf, upstream: app, stable: "127.0.0.1:8081; evil", canary: "127.0.0.1:8082", reload: [ nginx, -s, reload ] }').found.join('\n')).toMatch(/without `;`, braces or newlines/);
  });
});
