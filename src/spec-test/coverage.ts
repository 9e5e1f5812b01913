/**
 * Which gates and triggers of a spec the cases exercised both ways: a gate that some case made
 * pass and some case made fail, a trigger that some case made fire and some case kept quiet.
 * A gate only ever seen passing is untested: nothing shows it would stop a bad rollout.
 */
import type { DecisionRecord } from '../engine/record.js';
import type { SourceRef, Spec } from '../spec/types.js';

export interface CoverageItem {
  kind: 'gate' | 'trigger';
  name: string;
  /** The phase that declares the gate (null for triggers). */
  phase: string | null;
  /** Where the spec declares it (coverage gaps are annotated there). */
  source: SourceRef;
  /** Cases where the gate passed / the trigger was evaluated and did not fire. */
  positive: string[];
  /** Cases where the gate failed / the trigger fired. */
  negative: string[];
}

export interface SpecCoverage {
  spec: string;
  rollout: string;
  items: CoverageItem[];
  /** Items covered both ways. */
  covered: number;
}

export class CoverageTally {
  private readonly items = new Map<string, CoverageItem>();

  constructor(private readonly spec: Spec) {
    for (const phase of spec.phases) {
      for (const g of phase.gates) {
        if (g.declaredIn !== phase.name) continue;
        this.items.set(`gate ${g.declaredIn}/${g.name}`, { kind: 'gate', name: g.name, phase: g.declaredIn, source: g.source, positive: [], negative: [] });
      }
    }
    for (const t of spec.triggers) this.items.set(`trigger ${t.name}`, { kind: 'trigger', name: t.name, phase: null, source: t.source, positive: [], negative: [] });
  }

  add(caseName: string, records: readonly DecisionRecord[]): void {
    const seen = new Set<string>();
    for (const r of records) CoverageTally.see(r, seen);
    this.addSeen(caseName, seen);
  }

  /** What one record exercised, into `seen` (a case's replay is tallied record by record, as it streams). */
  static see(r: DecisionRecord, seen: Set<string>): void {
    for (const g of r.gates) if (g.result !== 'error') seen.add(`${g.result === 'pass' ? '+' : '-'}gate ${g.phase}/${g.name}`);
    for (const t of r.triggers) if (t.matched !== null) seen.add(`${t.fired ? '-' : '+'}trigger ${t.name}`);
  }

  /** A case's marks, gathered with `see`. */
  addSeen(caseName: string, seen: ReadonlySet<string>): void {
    for (const mark of seen) {
      const item = this.items.get(mark.slice(1));
      const list = mark[0] === '+' ? item?.positive : item?.negative;
      if (list && !list.includes(caseName)) list.push(caseName);
    }
  }

  report(): SpecCoverage {
    const items = [...this.items.values()];
    return { spec: this.spec.file, rollout: this.spec.name, items, covered: items.filter(bothWays).length };
  }
}

export const bothWays = (item: CoverageItem): boolean => item.positive.length > 0 && item.negative.length > 0;

/** `pass`/`fail` for gates, `quiet`/`fired` for triggers. */
export function sides(item: CoverageItem): [string, string] {
  return item.kind === 'gate' ? ['pass', 'fail'] : ['quiet', 'fired'];
}
