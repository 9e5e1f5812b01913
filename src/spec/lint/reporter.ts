/** Collects lint diagnostics, turning spec paths into `file:line:col`. */
import { toPointer, type Diagnostic, type Severity } from '../diagnostic.js';
import type { SourceMap } from '../source-map.js';

export type Segment = string | number;

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    readonly data: Record<string, unknown>,
    private readonly sourceMap: SourceMap,
  ) {}

  error(code: string, message: string, path: readonly Segment[], part: 'key' | 'value' = 'value'): void {
    this.add('error', code, message, path, part);
  }

  warning(code: string, message: string, path: readonly Segment[], part: 'key' | 'value' = 'value'): void {
    this.add('warning', code, message, path, part);
  }

  /** Line of a spec path, for messages that point back at an earlier place. */
  lineOf(path: readonly Segment[]): number {
    return this.sourceMap.locate(path).line;
  }

  private add(severity: Severity, code: string, message: string, path: readonly Segment[], part: 'key' | 'value'): void {
    const { line, col } = this.sourceMap.locate(path, part);
    this.diagnostics.push({ severity, code, message, file: this.file, line, col, path: toPointer(path) });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function nameOf(value: unknown): string | undefined {
  const name = isRecord(value) ? value.name : undefined;
  return typeof name === 'string' ? name : undefined;
}
