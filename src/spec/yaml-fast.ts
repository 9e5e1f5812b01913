/**
 * The fast path for reading YAML: js-yaml's event parser, for the plain documents that specs,
 * timelines and test files nearly always are. On a cold start it reads a spec in a fraction of
 * the time the `yaml` library takes (~17 ms of a ~80 ms `validate`).
 *
 * It answers only when the answer cannot differ from the full parser's (parse-yaml.ts): one
 * document; no anchors, aliases, tags, block scalars, empty values, merge keys or non-string
 * keys; no duplicate keys; not too deep; no CR line ends. Anything else, and every syntax error,
 * returns undefined and goes to the full parser, which owns the diagnostics.
 * test/spec/yaml-fast.test.ts holds both paths to the same values and positions.
 */
import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import { OffsetSourceMap, type PositionNode } from './source-map.js';
import { MAX_DEPTH } from './yaml-limits.js';

export interface FastParse {
  value: Record<string, unknown>;
  sourceMap: OffsetSourceMap;
}

interface Frame {
  value: Record<string, unknown> | unknown[];
  node: PositionNode;
  /** In a mapping: the key read, waiting for its value. */
  key?: { name: string; start: number };
}

/** Thrown inside the walk when the document needs the full parser. */
const FULL_PARSER = Symbol('full parser');

export function parseYamlFast(text: string): FastParse | undefined {
  if (text.includes('\r')) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH + 1 });
  } catch {
    return undefined;
  }
  try {
    return build(text, events);
  } catch (err) {
    if (err === FULL_PARSER) return undefined;
    throw err;
  }
}

function build(text: string, events: Event[]): FastParse | undefined {
  const stack: Frame[] = [];
  let root: Frame | undefined;
  let documents = 0;
  const fallBack = (): never => {
    throw FULL_PARSER;
  };

  /** Puts a finished value (and its position node) where the enclosing collection expects it. */
  const place = (value: unknown, node: PositionNode): void => {
    const parent = stack[stack.length - 1];
    if (!parent) return fallBack(); // a root that is not a collection
    if (Array.isArray(parent.value)) {
      parent.value.push(value);
      parent.node.items!.push(node);
    } else if (parent.key) {
      parent.value[parent.key.name] = value;
      parent.node.keys!.set(parent.key.name, { keyStart: parent.key.start, value: node });
      parent.key = undefined;
    } else {
      fallBack(); // a mapping key that is not a scalar
    }
  };

  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || e.directives.length > 0) fallBack();
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (e.anchorStart !== -1 || e.tagStart !== -1 || stack.length >= MAX_DEPTH) fallBack();
        const frame: Frame = e.type === EVENT_ID.MAPPING
          ? { value: {}, node: { start: e.start, keys: new Map() } }
          : { value: [], node: { start: e.start, items: [] } };
        if (stack.length === 0) {
          if (root || e.type !== EVENT_ID.MAPPING) fallBack();
          root = frame;
        }
        stack.push(frame);
        break;
      }
      case EVENT_ID.SCALAR: {
        if (e.anchorStart !== -1 || e.tagStart !== -1 || e.valueStart === -1) fallBack();
        if (e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK) fallBack();
        const quoted = e.style !== SCALAR_STYLE.PLAIN;
        // The full parser places a quoted scalar at its opening quote.
        const start = quoted ? e.valueStart - 1 : e.valueStart;
        const value = scalarValue(text, e, quoted);
        const parent = stack[stack.length - 1];
        if (parent && !Array.isArray(parent.value) && !parent.key) {
          if (typeof value !== 'string' || value === '<<' || value === '__proto__' || parent.node.keys!.has(value)) fallBack();
          parent.key = { name: value as string, start };
        } else {
          place(value, { start });
        }
        break;
      }
      case EVENT_ID.POP: {
        const done = stack.pop();
        if (done && stack.length > 0) place(done.value, done.node);
        break;
      }
      default: // aliases
        fallBack();
    }
  }
  if (!root) return undefined; // an empty document
  return { value: root.value as Record<string, unknown>, sourceMap: new OffsetSourceMap(text, root.node) };
}

/** A scalar's value under the YAML 1.2 core schema, resolved exactly as the full parser does. */
function scalarValue(text: string, e: ScalarEvent, quoted: boolean): unknown {
  const source = getScalarValue(text, e);
  if (quoted) return source;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(source)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source)) return source[0] === 't' || source[0] === 'T';
  if (/^0o[0-7]+$/.test(source)) return parseInt(source.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
    return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source)) return parseFloat(source);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
  return source;
}
