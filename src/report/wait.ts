/** `rollgate wait`: one line per change it sees, then one for how the wait ended. */
import type { RolloutState } from '../engine/state.js';
import type { WaitChange, WaitOutcome, WaitTarget } from '../runner/wait-for.js';
import { formatDuration } from '../time/duration.js';
import { isoOf } from '../time/instant.js';
import { jsonText, textLines } from './escape.js';
import type { Renderer } from './renderer.js';

export const WAIT_FORMATS = ['text', 'json'] as const;
export type WaitFormat = (typeof WAIT_FORMATS)[number];

/** The exit code of each way a wait ends (a signal: 128 + its number). */
export const WAIT_EXIT = { reached: 0, 'rolled-back': 2, 'timed-out': 3, SIGINT: 130, SIGTERM: 143 } as const;

export type WaitLine =
  | { rollout: string; change: WaitChange }
  | { rollout: string; outcome: Exclude<WaitOutcome, { kind: 'stopped' }>; target: WaitTarget; timeoutMs: number | null };

/** `phase=canary-2` or `complete`, as given to `--for`. */
export const targetText = (target: WaitTarget) => (target === 'complete' ? 'complete' : `phase=${target.phase}`);

/** Whole seconds (`2m5s`), or `under 1s`. */
const waitedText = (ms: number) => (ms < 1000 ? 'under 1s' : formatDuration(ms - (ms % 1000)));

function changeText(rollout: string, change: WaitChange): string {
  if (change.kind === 'not-started') return `${isoOf(change.atMs)} ${rollout}: not started; waiting for its first check`;
  const r = change.record;
  return `${isoOf(r.evaluated_unix_ms)} ${rollout} check ${r.check}: ${r.decision.toUpperCase()} ${r.phase.name} (${r.phase.traffic}%), ${r.status}: ${r.reasons[0] ?? ''}`;
}

function standing(state: RolloutState | null): string {
  if (state === null) return 'it has not started (no check yet)';
  return `it is in phase ${state.phase.name}, ${state.status}, after ${state.checks} check${state.checks === 1 ? '' : 's'}${state.last_decision ? ` (last decision ${state.last_decision})` : ''}`;
}

function outcomeText(rollout: string, line: Extract<WaitLine, { outcome: unknown }>): string {
  const { outcome, target } = line;
  const waited = `waited ${waitedText(outcome.waitedMs)}`;
  if (outcome.kind === 'timed-out') {
    return `${rollout}: timed out after ${line.timeoutMs ? formatDuration(line.timeoutMs) : '0s'} waiting for ${target === 'complete' ? 'completion' : `phase ${target.phase}`}; ${standing(outcome.state)}`;
  }
  const s = outcome.state;
  const terminal = s.terminal;
  if (outcome.kind === 'rolled-back') {
    return `${rollout}: rolled back at check ${terminal?.check ?? s.checks}${terminal ? ` (${isoOf(terminal.at_unix_ms)})` : ''} in phase ${s.phase.name} (${waited}): ${terminal?.reasons[0] ?? 'no reason recorded'}`;
  }
  if (s.status === 'complete') {
    return `${rollout}: complete at check ${terminal?.check ?? s.checks}${target === 'complete' ? '' : `, past phase ${target.phase}`} (${waited})`;
  }
  return `${rollout}: reached phase ${s.phase.name}${s.phase.name === (target as { phase: string }).phase ? '' : `, past ${(target as { phase: string }).phase}`} at check ${s.checks}, ${s.status} (${waited})`;
}

function changeJson(rollout: string, change: WaitChange) {
  if (change.kind === 'not-started') return { event: 'not_started', rollout, at_unix_ms: change.atMs };
  const r = change.record;
  return { event: 'change', rollout, check: r.check, evaluated_unix_ms: r.evaluated_unix_ms, decision: r.decision, status: r.status, phase: r.phase, reason: r.reasons[0] ?? null };
}

function outcomeJson(rollout: string, line: Extract<WaitLine, { outcome: unknown }>) {
  const { outcome, target } = line;
  const s = outcome.state;
  return {
    event: outcome.kind.replace('-', '_'),
    rollout,
    for: targetText(target),
    waited_ms: outcome.waitedMs,
    status: s?.status ?? 'not started',
    phase: s ? { name: s.phase.name, index: s.phase.index } : null,
    checks: s?.checks ?? 0,
    reason: outcome.kind === 'rolled-back' ? (s?.terminal?.reasons[0] ?? null) : null,
    exit_code: WAIT_EXIT[outcome.kind],
  };
}

export const WAIT_RENDERERS: Record<WaitFormat, Renderer<WaitLine>> = {
  text: (line) => ({ stdout: textLines(['change' in line ? changeText(line.rollout, line.change) : outcomeText(line.rollout, line)]) }),
  json: (line) => ({ stdout: jsonText('change' in line ? changeJson(line.rollout, line.change) : outcomeJson(line.rollout, line)) + '\n' }),
};
