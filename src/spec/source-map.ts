/** Finds where a value of the parsed spec sits in the YAML source, for `file:line:col` messages. */
import type { Document, LineCounter, Node } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

export interface Position {
  line: number;
  col: number;
}

export interface SourceMap {
  locate(path: readonly (string | number)[], part?: 'key' | 'value'): Position;
}

/** Where a node of the document starts, and its children (yaml-fast.ts builds these). */
export interface PositionNode {
  start: number;
  keys?: Map<string, { keyStart: number; value: PositionNode }>;
  items?: PositionNode[];
}

/** A source map over start offsets, walked exactly as DocumentSourceMap walks the YAML nodes. */
export class OffsetSourceMap implements SourceMap {
  /** Offsets where lines start; computed on the first lookup (a valid spec may never need one). */
  private lineStarts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly root: PositionNode,
  ) {}

  locate(path: readonly (string | number)[], part: 'key' | 'value' = 'value'): Position {
    let node = this.root;
    let at = this.position(node.start);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (node.keys) {
        const pair = node.keys.get(String(segment));
        if (!pair) return at;
        if (i === path.length - 1 && part === 'key') return this.position(pair.keyStart);
        node = pair.value;
      } else if (node.items) {
        const item = node.items[Number(segment)];
        if (item === undefined) return at;
        node = item;
      } else {
        return at;
      }
      at = this.position(node.start);
    }
    return at;
  }

  private position(offset: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A source map over the `yaml` library's document (the full parser's). */
export class DocumentSourceMap implements SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  locate(path: readonly (string | number)[], part: 'key' | 'value' = 'value'): Position {
    const { isMap, isPair, isSeq } = yamlLibrary();
    let node: unknown = this.doc.contents;
    let at: Position = this.start(node) ?? { line: 1, col: 1 };
    for (let i = 0; i < path.length; i++) {
      node = this.deref(node);
      const segment = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
        if (!pair) return at;
        const keyPos = this.start(pair.key);
        if (last && part === 'key' && keyPos) return keyPos;
        node = pair.value;
        at = this.start(node) ?? keyPos ?? at;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined) return at;
        node = item;
        at = this.start(node) ?? at;
      } else {
        return at;
      }
    }
    return at;
  }

  private deref(node: unknown): unknown {
    return yamlLibrary().isAlias(node) ? node.resolve(this.doc) : node;
  }

  private start(node: unknown): Position | undefined {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    return this.lines.linePos(range[0]);
  }
}

function keyText(key: unknown): string | undefined {
  if (yamlLibrary().isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}
