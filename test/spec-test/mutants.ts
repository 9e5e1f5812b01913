/**
 * Single-point mutants of a spec: every number in a gate rule or trigger condition one up and one
 * down, every trigger's `consecutive` one up and one down (an absent one becomes 2), every `soak`
 * and `staleAfter` a minute longer and shorter, every `minChecks` one up and one down.
 * A test file that pins its spec kills each of them: some case fails.
 */
import { parse } from 'yaml';
import { formatDuration, parseDuration } from '../../src/time/duration.js';

type Path = (string | number)[];
export interface Mutant {
  /** `phases[0].gates[4].rule <=[1] 1 → 2` */
  label: string;
  spec: unknown;
}

const MINUTE = 60_000;

export function mutantsOf(specText: string): Mutant[] {
  const original = parse(specText) as Record<string, unknown>;
  const out: Mutant[] = [];
  const mutate = (path: Path, from: unknown, to: unknown) => {
    const spec = structuredClone(original);
    let node = spec as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path[path.length - 1]!] = to;
    out.push({ label: `${pathText(path)} ${JSON.stringify(from ?? 'absent')} → ${JSON.stringify(to)}`, spec });
  };
  const numbers = (node: unknown, path: Path) => {
    if (typeof node === 'number') {
      mutate(path, node, node + 1);
      mutate(path, node, node - 1);
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) numbers(v, [...path, Array.isArray(node) ? Number(k) : k]);
    }
  };
  const duration = (path: Path, value: unknown) => {
    const ms = parseDuration(value);
    if (ms === null) return;
    mutate(path, value, formatDuration(ms + MINUTE));
    if (ms >= MINUTE) mutate(path, value, formatDuration(ms - MINUTE));
  };

  for (const [name, s] of Object.entries((original.surfaces ?? {}) as Record<string, Record<string, unknown>>)) {
    if (s.staleAfter !== undefined) duration(['surfaces', name, 'staleAfter'], s.staleAfter);
  }
  ((original.phases ?? []) as Record<string, unknown>[]).forEach((p, i) => {
    if (p.soak !== undefined) duration(['phases', i, 'soak'], p.soak);
    if (typeof p.minChecks === 'number') {
      mutate(['phases', i, 'minChecks'], p.minChecks, p.minChecks + 1);
      if (p.minChecks > 1) mutate(['phases', i, 'minChecks'], p.minChecks, p.minChecks - 1);
    }
    ((p.gates ?? []) as Record<string, unknown>[]).forEach((g, k) => numbers(g.rule, ['phases', i, 'gates', k, 'rule']));
  });
  ((original.triggers ?? []) as Record<string, unknown>[]).forEach((t, i) => {
    numbers(t.when, ['triggers', i, 'when']);
    const c = typeof t.consecutive === 'number' ? t.consecutive : undefined;
    mutate(['triggers', i, 'consecutive'], c, (c ?? 1) + 1);
    if (c !== undefined && c > 1) mutate(['triggers', i, 'consecutive'], c, c - 1);
  });
  return out;
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
