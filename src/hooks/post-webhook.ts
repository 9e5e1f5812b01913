/** A `webhook` hook: POST the decision record as JSON; anything but 2xx (or a timeout) fails. */
import type { HookOutcome } from './run-command.js';

export async function postWebhook(url: string, body: unknown, opts: { headers: Record<string, string>; timeoutMs: number }): Promise<HookOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'rollgate', ...opts.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'manual',
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok
      ? { ok: true, message: `HTTP ${response.status}` }
      : { ok: false, message: `HTTP ${response.status} ${response.statusText}`.trim() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return { ok: false, message: `no answer within ${opts.timeoutMs} ms` };
    return { ok: false, message: `request failed: ${e.cause?.code ?? e.message}` };
  }
}
