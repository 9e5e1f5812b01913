/** Finds where a value of the parsed spec sits in the YAML source, for `file:line:col` messages. */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

export interface SourceMap {
  locate(path: readonly (string | number)[], part?: 'key' | 'value'): Position;
}

/** A source map over the `yaml` library's document: its nodes' ranges, through a LineCounter. */
export class DocumentSourceMap implements SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  locate(path: readonly (string | number)[], part: 'key' | 'value' = 'value'): Position {
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
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private start(node: unknown): Position | undefined {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    return this.lines.linePos(range[0]);
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}
