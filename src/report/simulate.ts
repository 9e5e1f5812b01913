/**
 * `rollgate simulate`: the decisions of a replay, as rows (text, markdown) or every record (json).
 * Streamed: each row is written once its run of checks ends, each record as it is decided, so a
 * replay of a million checks holds one run (and, comparing two specs, a few records in step),
 * never the whole history. SIMULATE_RENDERERS feeds a finished simulation through the same code.
 */
import type { DecisionRecord } from '../engine/record.js';
import { decisionRow, isoSeconds, runRowOf, runShape } from '../engine/record-rows.js';
import type { SimulationResult } from '../simulate/simulate.js';
import { jsonText, markdownCell, textLines } from './escape.js';
import type { Renderer } from './renderer.js';

export const SIMULATE_FORMATS = ['text', 'json', 'markdown'] as const;
export type SimulateFormat = (typeof SIMULATE_FORMATS)[number];

export interface SimulationView {
  /** The spec replayed, and with --spec-b the one it is compared with. */
  specs: { name: string; file: string }[];
  /** The timeline file. */
  timeline: string;
  /** One per spec, in the same order. */
  results: SimulationResult[];
}

/** Where a streamed simulation goes, record by record. */
export interface SimulationSink {
  /**
   * A record of spec `i` (0, or 1 for --spec-b), in order. A promise returned says: wait for it
   * before the next record (comparing two specs, the runs are kept in step).
   */
  record(i: number, record: DecisionRecord): void | Promise<void>;
  /** How many records spec `i`'s replay gives, once that is certain (the text header says it). */
  checks(i: number, count: number): void;
  /** Spec `i`'s replay ended. */
  end(i: number, result: SimulationResult): void;
  /** Spec `i`'s replay stopped (failed, or will not run): the other one no longer waits for it. */
  stop(i: number): void;
}

/** Records of two specs compared instant by instant, at most this many of one kept ahead of the other. */
const IN_STEP = 256;

/**
 * The streaming form of the renderers: `write` gets the output in order, as it is made. With
 * two specs, text and markdown print the instants where the two decide differently: the replays
 * run side by side (the sink keeps them in step); json prints A's records, then B's (run one after
 * the other).
 */
export function simulationStream(format: SimulateFormat, head: Omit<SimulationView, 'results'>, write: (text: string) => void, runs = head.specs.length): SimulationSink {
  if (format === 'json') return jsonStream(runs, write);
  return runs === 1 ? rowStream(format === 'markdown', head, write) : compareStream(head, write);
}

function jsonStream(specs: number, write: (text: string) => void): SimulationSink {
  // The bytes of jsonText(records, 2) + '\n' (one spec) or jsonText({ a, b }, 2) + '\n' (two).
  const pad = specs === 1 ? '  ' : '    ';
  const written = [0, 0];
  const open = (i: number) => (specs === 1 ? '[' : i === 0 ? '{\n  "a": [' : ',\n  "b": [');
  return {
    record(i, r) {
      write(`${written[i] === 0 ? `${open(i)}\n` : ',\n'}${pad}${jsonText(r, 2).replace(/\n/g, `\n${pad}`)}`);
      written[i]!++;
    },
    checks() {},
    end(i) {
      const close = written[i] === 0 ? `${open(i)}]` : `\n${pad.slice(2)}]`;
      write(specs === 1 ? `${close}\n` : i === 0 ? close : `${close}\n}\n`);
    },
    stop() {},
  };
}

/** One spec: consecutive checks that decide the same for the same reason make one row, with a count. */
function rowStream(md: boolean, head: Omit<SimulationView, 'results'>, write: (text: string) => void): SimulationSink {
  const name = head.specs[0]!.name;
  // Text starts with the number of checks: rows wait for it (only a timeline's manual actions,
  // which may be refused, leave it open until they have run).
  let held: string[] | null = md ? null : [];
  const line = (s: string) => (held ? held.push(s) : write(textLines([s])));
  if (md) for (const s of [`### rollgate simulate: ${name} on ${head.timeline}`, '', '| time | decision | phase | reason |', '| --- | --- | --- | --- |']) line(s);
  let run: { first: DecisionRecord; shape: string; length: number; lastMs: number } | null = null;
  const flush = () => {
    if (!run) return;
    const { first, length, lastMs } = run;
    const repeat = length > 1 ? ` (×${length}, until ${isoSeconds(lastMs)})` : '';
    line(md ? `| ${isoSeconds(first.evaluated_unix_ms)} | ${first.decision}${repeat} | ${first.phase.name} (${first.phase.traffic}%) | ${markdownCell(first.reasons[0] ?? '')} |` : runRowOf(first, length, lastMs));
    run = null;
  };
  return {
    record(_i, r) {
      const shape = runShape(r);
      if (run && run.shape === shape) {
        run.length++;
        run.lastMs = r.evaluated_unix_ms;
      } else {
        flush();
        run = { first: r, shape, length: 1, lastMs: r.evaluated_unix_ms };
      }
    },
    checks(_i, count) {
      if (!held) return;
      const rows = held;
      held = null;
      line(`${name} on ${head.timeline}: ${count} checks`);
      for (const s of rows) line(s);
    },
    end(_i, result) {
      this.checks(0, result.checks);
      flush();
      line(md ? '' : `end: ${result.end.summary}`);
      if (md) line(`**End:** ${result.end.summary}`);
    },
    stop() {},
  };
}

/** Two specs side by side: every instant where they decide differently, then both ends. */
function compareStream(head: Omit<SimulationView, 'results'>, write: (text: string) => void): SimulationSink {
  const queues: [DecisionRecord[], DecisionRecord[]] = [[], []];
  const stopped = [false, false];
  const waiting: [(() => void) | null, (() => void) | null] = [null, null];
  const ends: (SimulationResult | null)[] = [null, null];
  let held: string[] | null = [];
  let diverged = 0;
  const line = (s: string) => (held ? held.push(s) : write(textLines([s])));
  const compare = (x: DecisionRecord | undefined, y: DecisionRecord | undefined) => {
    if (x && y && x.decision === y.decision && x.phase.name === y.phase.name) return;
    diverged++;
    const at = isoSeconds((x ?? y)!.evaluated_unix_ms);
    line(`${at}  A ${x ? decisionRow(x) : '-'}`);
    line(`${' '.repeat(at.length)}  B ${y ? decisionRow(y) : '-'}`);
  };
  const wake = (i: number) => {
    const w = waiting[i];
    waiting[i] = null;
    w?.();
  };
  const drain = () => {
    const [a, b] = queues;
    let k = 0;
    const n = Math.min(a.length, b.length);
    for (; k < n; k++) compare(a[k], b[k]);
    if (k > 0) {
      a.splice(0, k);
      b.splice(0, k);
    }
    // A run that has ended has no more records: the other's are compared with nothing.
    if (stopped[1]) for (const x of a.splice(0)) compare(x, undefined);
    if (stopped[0]) for (const y of b.splice(0)) compare(undefined, y);
    for (const i of [0, 1]) if (queues[i]!.length < IN_STEP) wake(i);
  };
  const checks = (i: number, count: number) => {
    if (i !== 0 || !held) return;
    const rows = held;
    held = null;
    line(`A ${head.specs[0]!.file} vs B ${head.specs[1]!.file} on ${head.timeline}: ${count} checks`);
    for (const s of rows) line(s);
  };
  const stop = (i: number) => {
    if (stopped[i]) return;
    stopped[i] = true;
    drain();
    wake(1 - i);
    const [a, b] = ends;
    if (stopped[0] && stopped[1] && a && b) {
      checks(0, a.checks);
      if (diverged === 0) line('the two specs decide the same at every check');
      line(`end A: ${a.end.summary}`);
      line(`end B: ${b.end.summary}`);
    }
  };
  return {
    record(i, r) {
      queues[i]!.push(r);
      drain();
      if (queues[i]!.length < IN_STEP || stopped[1 - i]) return;
      return new Promise<void>((resolve) => (waiting[i] = resolve));
    },
    checks,
    end(i, result) {
      ends[i] = result;
      stop(i);
    },
    stop,
  };
}

/** A finished simulation through the streaming form. */
function rendered(format: SimulateFormat, view: SimulationView): string {
  const out: string[] = [];
  const sink = simulationStream(format, view, (s) => out.push(s), view.results.length);
  view.results.forEach((r, i) => {
    if (format !== 'json') sink.checks(i, r.checks);
  });
  if (format === 'json' || view.results.length === 1) {
    view.results.forEach((r, i) => {
      for (const x of r.records) void sink.record(i, x);
      sink.end(i, r);
    });
  } else {
    // In step, as the live comparison runs (the queues never wait here: both are in memory).
    const [a, b] = view.results as [SimulationResult, SimulationResult];
    for (let k = 0; k < Math.max(a.records.length, b.records.length); k++) {
      if (k < a.records.length) void sink.record(0, a.records[k]!);
      if (k < b.records.length) void sink.record(1, b.records[k]!);
    }
    sink.end(0, a);
    sink.end(1, b);
  }
  return out.join('');
}

export const SIMULATE_RENDERERS: Record<SimulateFormat, Renderer<SimulationView>> = {
  text: (view) => ({ stdout: rendered('text', view) }),
  markdown: (view) => ({ stdout: rendered('markdown', view) }),
  json: (view) => ({ stdout: rendered('json', view) }),
};
