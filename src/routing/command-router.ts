/**
 * `routing.command`: the weights set by a command of the user's (Envoy, Traefik's file provider,
 * a cloud load balancer's CLI), run without a shell in the rollout's root. `run` gets the split
 * as `{{canary}}` / `{{stable}}` in its arguments and as ROLLGATE_CANARY_WEIGHT /
 * ROLLGATE_STABLE_WEIGHT; `read`, when given, prints the split in effect as JSON
 * `{"canary": 5, "stable": 95}`. Without `read` the split is unknown (`value: null`), so every
 * check runs `run`: it must be idempotent ("set 25", never "add 20").
 */
import { quoteProducerText } from '../engine/log-tally.js';
import { runArgv } from '../hooks/run-command.js';
import type { RoutingSpec } from '../spec/types.js';
import type { Router, RouterResult, Weights } from './router.js';

type CommandSpec = Extract<RoutingSpec, { provider: 'command' }>;

/** A `read` answer is one small JSON object; more is not an answer. */
const MAX_READ_BYTES = 64 * 1024;

export function commandRouter(spec: CommandSpec, root: string): Router {
  const target = `command \`${spec.run.join(' ')}\``;
  const readName = spec.read ? `\`${spec.read.join(' ')}\`` : '';

  async function read(): Promise<RouterResult<Weights | null>> {
    if (spec.read === null) return { ok: true, value: null };
    const run = await runArgv(spec.read, { cwd: root, env: spec.env, timeoutMs: spec.timeoutMs, stdoutBytes: MAX_READ_BYTES });
    if (!run.ok) return { ok: false, error: `the read command ${readName} failed: ${run.message}` };
    if (run.stdoutCut) return { ok: false, error: `the read command ${readName} printed more than ${MAX_READ_BYTES} bytes; it should print only {"canary": <percent>, "stable": <percent>}` };
    const weights = parseWeights(run.stdout);
    if (typeof weights === 'string') return { ok: false, error: `the read command ${readName} printed ${quoteProducerText(run.stdout.trim(), 120)}: ${weights}` };
    return { ok: true, value: weights };
  }

  async function set(weights: Weights): Promise<RouterResult<void>> {
    const canary = String(weights.canary);
    const stable = String(weights.stable);
    const argv = spec.run.map((arg) => arg.replaceAll('{{canary}}', canary).replaceAll('{{stable}}', stable));
    const env = { ...spec.env, ROLLGATE_CANARY_WEIGHT: canary, ROLLGATE_STABLE_WEIGHT: stable };
    const run = await runArgv(argv, { cwd: root, env, timeoutMs: spec.timeoutMs });
    if (!run.ok) return { ok: false, error: `${target} (canary ${canary}, stable ${stable}) failed: ${run.message}` };
    return { ok: true, value: undefined };
  }

  return { provider: 'command', target, read, set };
}

/**
 * `{"canary": n, "stable": n}`: numbers from 0 to 100 that add up to 100 (a phase's traffic may
 * have decimals, so they may too); else what is wrong with it.
 */
export function parseWeights(text: string): Weights | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'that is not JSON; it should print {"canary": <percent>, "stable": <percent>}';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'that is not a JSON object {"canary": <percent>, "stable": <percent>}';
  const { canary, stable } = value as Record<string, unknown>;
  const percent = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 100;
  if (!percent(canary) || !percent(stable)) return '`canary` and `stable` must both be numbers from 0 to 100';
  if (Math.abs(canary + stable - 100) > 1e-9) return `${canary} + ${stable} is not 100`;
  return { canary, stable };
}
