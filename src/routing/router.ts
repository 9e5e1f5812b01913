/**
 * A load balancer rollgate sets the canary's share of traffic on (spec `routing:`): HAProxy's
 * runtime API, an nginx include file, or a command. The routing provider (routing-provider.ts)
 * reads the weights back at every check and sets them while they differ from the phase's.
 * A router never throws for a failure of the balancer: it answers a sentence.
 */

/** Percent of requests to each side; they add up to 100. */
export interface Weights {
  canary: number;
  stable: number;
}

export type RouterResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Router {
  readonly provider: 'haproxy' | 'nginx' | 'command';
  /** For sentences: `HAProxy at /run/haproxy/admin.sock (backend app)`. */
  readonly target: string;
  /**
   * The weights in effect now, as percentages; `value: null` when the balancer cannot say (a
   * command without `read`), so every check sets them.
   */
  read(): Promise<RouterResult<Weights | null>>;
  /** Sets the weights; ok only once they are in effect (nginx: tested, written and reloaded). */
  set(weights: Weights): Promise<RouterResult<void>>;
}
