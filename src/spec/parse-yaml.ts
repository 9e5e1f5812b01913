/**
 * YAML text -> plain value + source map. Syntax errors, duplicate keys, alias bombs and absurd
 * nesting become diagnostics with positions; nothing here throws on bad input.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type YAMLError } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { DocumentSourceMap, type SourceMap } from './source-map.js';
import { MAX_ALIASES, MAX_DEPTH } from './yaml-limits.js';
import { parseYamlSubset } from './yaml-subset.js';

export type ParsedYaml =
  | { ok: true; value: unknown; sourceMap: SourceMap }
  | { ok: false; diagnostics: Diagnostic[] };

/** The `yaml` library reads every document (one parser: the values, the positions, the diagnostics). */
export function parseYaml(text: string, file: string): ParsedYaml {
  // The plain YAML specs are written in is read directly (same value, same positions); the
  // library reads the rest, and gives every diagnostic.
  const subset = parseYamlSubset(text);
  if (subset && !nestsTooDeep(subset.value, 0)) return { ok: true, ...subset };
  const lines = new LineCounter();
  const at = (offset: number) => lines.linePos(offset);
  const fail = (code: string, message: string, offset = 0): ParsedYaml => {
    const { line, col } = at(offset);
    return { ok: false, diagnostics: [{ severity: 'error', code, message, file, line, col, path: '' }] };
  };

  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false }) as Document.Parsed[];
  } catch (err) {
    return fail('yaml-syntax', tooDeepOr(err, 'the YAML parser gave up on this file'));
  }
  if (!Array.isArray(docs) || docs.length === 0) {
    return fail('empty-spec', 'the spec is empty; a spec is a mapping with apiVersion, kind, metadata, surfaces and phases (`rollgate init` writes a starter)');
  }
  if (docs.length > 1) {
    return fail('multiple-documents', 'this file holds more than one YAML document (`---`); put one rollout spec in each file', docs[1]!.range[0]);
  }
  const doc = docs[0]!;
  if (doc.errors.length > 0) {
    // Later syntax errors are nearly always knock-on effects of the first; show that one only.
    const first = yamlDiagnostic(doc.errors[0]!, text, file, at);
    const more = doc.errors.length - 1;
    if (first.code === 'yaml-syntax' && more > 0 && !/call stack/i.test(doc.errors[0]!.message)) first.message += ` (fixing it may clear the ${more} YAML error${more === 1 ? '' : 's'} after it)`;
    const duplicates = doc.errors.slice(1).filter((e) => e.code === 'DUPLICATE_KEY').map((e) => yamlDiagnostic(e, text, file, at));
    return { ok: false, diagnostics: first.code === 'duplicate-key' ? [first, ...duplicates] : [first] };
  }

  let aliases = 0;
  let bombAt = -1;
  // An alias is written `*name`: a text without a `*` has none to count (walking every node of a
  // wide spec to find none cost more than composing it).
  if (text.includes('*')) visit(doc, {
    Alias(_key, node) {
      aliases++;
      if (aliases > MAX_ALIASES) {
        bombAt = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (bombAt >= 0) {
    return fail('too-many-aliases', `the spec uses more than ${MAX_ALIASES} YAML aliases (*name); that looks like an alias bomb, and a rollout spec never needs so many`, bombAt);
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES * 10 });
  } catch (err) {
    const merge = badMergeAt(doc);
    if (merge >= 0) {
      return fail('yaml-merge', '`<<` is a YAML merge key: its value must be a mapping, an alias of one (`<<: *defaults`) or a list of them; for a key named `<<`, quote it (`"<<": …`)', merge);
    }
    return fail('too-many-aliases', tooDeepOr(err, 'YAML aliases expand to too much data; remove the anchors and aliases (&name / *name) or write the values out'));
  }
  if (value === null || value === undefined) {
    return fail('empty-spec', 'the spec is empty; a spec is a mapping with apiVersion, kind, metadata, surfaces and phases (`rollgate init` writes a starter)');
  }
  if (nestsTooDeep(value, 0)) {
    return fail('too-deep', `the spec nests deeper than ${MAX_DEPTH} levels; flatten the rule`, 0);
  }
  return { ok: true, value: ownStrings(value), sourceMap: new DocumentSourceMap(doc, lines) };
}

/** Where a plain `<<` key has a value the merge refuses (a scalar, a list of anything but mappings), or -1. */
function badMergeAt(doc: Document.Parsed): number {
  const mergeable = (node: unknown): boolean => isMap(node) || (isAlias(node) && isMap(node.resolve(doc)));
  let at = -1;
  visit(doc, {
    Pair(_key, pair) {
      // The library reads a plain `<<` key as a merge key (its value is then a symbol, not '<<').
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol' || pair.key.source !== '<<') return undefined;
      if (mergeable(pair.value) || (isSeq(pair.value) && pair.value.items.every(mergeable))) return undefined;
      at = pair.key.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return at;
}

function yamlDiagnostic(e: YAMLError, text: string, file: string, at: (o: number) => { line: number; col: number }): Diagnostic {
  const { line, col } = at(e.pos[0]);
  const base = { severity: 'error' as const, file, line, col, path: '' };
  if (e.code === 'DUPLICATE_KEY') {
    const key = keyAt(text, e.pos[0]);
    return { ...base, code: 'duplicate-key', message: `duplicate key \`${key}\`: YAML keeps only one of the two values, so remove or rename one of them` };
  }
  if (/call stack/i.test(e.message)) {
    return { ...base, code: 'too-deep', message: `the spec nests too deeply to read (a real spec never nests more than ${MAX_DEPTH} levels)` };
  }
  // The library's message repeats the position and a source excerpt; keep the sentence only.
  const sentence = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return { ...base, code: 'yaml-syntax', message: `YAML syntax error: ${sentence}` };
}

function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  return (/^("[^"]*"|'[^']*'|[^:\n]*)/.exec(rest)?.[0] ?? '').trim();
}

function tooDeepOr(err: unknown, otherwise: string): string {
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return `the spec nests too deeply to read (more than ${MAX_DEPTH} levels is never needed)`;
  }
  return otherwise;
}

/**
 * The value with each long string copied out of the spec's text. The parser's scalars are
 * slices of the text, and V8 keeps a slice of 13 characters or more as a view of the whole
 * string: a phase name or a rule's `var` path kept the spec's entire text alive for as long as
 * the spec lived (`run --once` over 5,000 specs: 2.8 MB of texts). JSON's round trip copies a
 * string exactly (lone surrogates included). Mutates in place: the value is freshly built.
 */
function ownStrings<T>(value: T): T {
  if (typeof value === 'string') return (value.length >= 13 ? JSON.parse(JSON.stringify(value)) : value) as T;
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    const child = node[key];
    if (typeof child === 'object' && child !== null) ownStrings(child);
    // defineProperty: a `__proto__` key is data here (the parser defines it so), never the setter.
    else if (typeof child === 'string' && child.length >= 13) Object.defineProperty(node, key, { value: ownStrings(child), writable: true, enumerable: true, configurable: true });
  }
  return value;
}

function nestsTooDeep(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some((child) => nestsTooDeep(child, depth + 1));
}
