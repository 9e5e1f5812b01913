/**
 * Resolves a rule's `var` path against schemas/context.schema.json, statically, so typos are
 * caught by `validate` instead of holding (or worse) at a check.
 */
import { KNOWN_REASON_CODES } from '../tau/reason-codes.js';
import { readSchema } from './schema-files.js';
import { didYouMean, nearMiss } from './suggest.js';

export interface VarScope {
  surfaces: readonly string[];
  inputs: readonly string[];
  /** Declared metrics and their source kind (a Prometheus value is always a number). */
  metrics: Readonly<Record<string, 'prometheus' | 'http'>>;
  /** Inside a gate or trigger with `each`: `surface` is bound. */
  surfaceBound: boolean;
  /** Inside `health:` rules, paths are relative to the surface. */
  healthRule: boolean;
}

export type ValueType = 'boolean' | 'number' | 'string' | 'array' | 'object' | 'unknown';

/** What the context schema says about a scalar field, for comparisons with literals. */
export interface FieldType {
  type: 'integer' | 'number' | 'string' | 'boolean';
  /** The field may read null (e.g. `age_ms` when the state is unavailable). */
  nullable: boolean;
  /** The values of an enum field (`health_state`). */
  enum?: readonly string[];
}

export type Resolution =
  | {
      ok: true; type: ValueType; warning?: string; input?: string;
      /** The metric the path reads. */
      metric?: string;
      /** Known only for fields the schema types; never for `inputs.*` or `state.*`. */
      field?: FieldType;
      /** The path reads `last_reason_codes` (`list`) or one of its elements (`item`). */
      reasonCodes?: 'list' | 'item';
    }
  | { ok: false; message: string; code?: string };

/**
 * A reason code a rule names, checked against the documented ones: one edit from a documented
 * code is an error (it reads 0, or is never in the list, at every check, so the rule never sees
 * what it watches for); any other unknown code is a warning, since producers may add codes.
 */
export function reasonCodeProblem(code: string, where: string, reads: 'count' | 'list'): { severity: 'error' | 'warning'; code: string; message: string } | undefined {
  if (KNOWN_REASON_CODES.includes(code)) return undefined;
  const never = reads === 'count' ? 'it reads 0 at every check' : 'it is never among the codes';
  if (code.trim() === '') {
    return { severity: 'error', code: 'misspelled-reason-code', message: `an empty reason code in ${where} (a path ending in \`.\`?): ${never}, so the rule never sees anything` };
  }
  // Case, separators and invisible characters aside, a documented code (`caseprocessingfailed`, `Case Processing Failed`).
  const squash = (c: string) => c.toLowerCase().replace(/[^a-z0-9]/g, '');
  const near = nearMiss(code, KNOWN_REASON_CODES) ?? KNOWN_REASON_CODES.find((k) => squash(k) === squash(code));
  if (near !== undefined) {
    return {
      severity: 'error', code: 'misspelled-reason-code',
      message: `reason code \`${code}\` in ${where} is not documented, and so close to the documented \`${near}\` that it must be a typo: as written ${never}, so the rule never sees what it watches for; did you mean \`${near}\`?`,
    };
  }
  return {
    severity: 'warning', code: 'unknown-reason-code',
    message: `reason code \`${code}\` in ${where} is not one the producer documents; ${reads === 'count' ? 'it reads 0' : 'it is not among the codes'} until a runtime writes it` + didYouMean(code, KNOWN_REASON_CODES),
  };
}

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

let root: SchemaNode & { definitions: Record<string, SchemaNode> } | undefined;
function contextSchema() {
  root ??= readSchema('context.schema.json') as unknown as SchemaNode & { definitions: Record<string, SchemaNode> };
  return root;
}

/** Health rules decide these, so they cannot read them. */
const HEALTH_OUTPUTS = ['health_state', 'health_reason', 'rollout_gate'];

export function resolveVarPath(path: string, scope: VarScope): Resolution {
  const schema = contextSchema();
  const segs = path.split('.');
  const [first, second] = segs;
  if (path === '') return { ok: false, message: 'a `var` with an empty path reads the whole context; name a path such as `surface.health.queue_depth`' };

  if (scope.healthRule) {
    if (HEALTH_OUTPUTS.includes(first!)) {
      return { ok: false, message: `\`${first}\` cannot be read in a health rule: it is what the health rule decides` };
    }
    return walk(schema.definitions.surface!, segs, 0, 'surface', 'surface');
  }
  if (first === 'surface') {
    if (!scope.surfaceBound) {
      return { ok: false, message: `\`${path}\` reads \`surface\`, which is only bound in a gate or trigger with \`each\`; add \`each: surfaces\` or write \`surfaces.<name>.${segs.slice(1).join('.')}\`` };
    }
    return walk(schema.definitions.surface!, segs, 1, 'surface', 'surface');
  }
  if (first === 'surfaces') {
    if (second === undefined) return { ok: true, type: 'object' };
    if (!scope.surfaces.includes(second)) {
      return { ok: false, message: `\`${path}\` names surface \`${second}\`, which the spec does not declare` + (didYouMean(second, scope.surfaces) || `; declared surfaces: ${list(scope.surfaces)}`) };
    }
    return walk(schema.definitions.surface!, segs, 2, `surfaces.${second}`, 'surface');
  }
  if (first === 'inputs') {
    if (second === undefined) return { ok: true, type: 'object' };
    if (!scope.inputs.includes(second)) {
      return { ok: false, message: `\`${path}\` reads input \`${second}\`, which is not declared under \`inputs\`` + (didYouMean(second, scope.inputs) || (scope.inputs.length ? `; declared inputs: ${list(scope.inputs)}` : '; declare it with `inputs: { ' + second + ': { file: … } }`')) };
    }
    return { ok: true, type: 'unknown', input: second };
  }
  if (first === 'metrics') {
    if (second === undefined) return { ok: true, type: 'object' };
    const declared = Object.keys(scope.metrics);
    if (!Object.prototype.hasOwnProperty.call(scope.metrics, second)) {
      return { ok: false, message: `\`${path}\` reads metric \`${second}\`, which is not declared under \`metrics\`` + (didYouMean(second, declared) || (declared.length ? `; declared metrics: ${list(declared)}` : '; declare it with `metrics: { ' + second + ': { prometheus: { address: …, query: … } } }`')) };
    }
    const resolved = walk(schema.definitions.metric!, segs, 2, `metrics.${second}`, 'metric');
    if (!resolved.ok) return resolved;
    // A Prometheus answer is a number whenever `value` can be read (no data with `onNoData: hold`, NaN and ±Inf error instead).
    const number = segs[2] === 'value' && segs.length === 3 && scope.metrics[second] === 'prometheus';
    return { ...resolved, metric: second, ...(number ? { type: 'number', field: { type: 'number', nullable: false } } : {}) };
  }
  return walk(schema, segs, 0, '', 'context');
}

function walk(start: SchemaNode, segs: string[], from: number, prefix: string, startName: string): Resolution {
  const schema = contextSchema();
  let node = start;
  let defName = startName;
  let warning: string | undefined;
  let here = prefix;
  for (let i = from; i < segs.length; i++) {
    while (node.$ref) {
      defName = node.$ref.replace('#/definitions/', '');
      node = schema.definitions[defName]!;
    }
    const seg = segs[i]!;
    const next = here === '' ? seg : `${here}.${seg}`;
    if (isFreeForm(node)) return { ok: true, type: 'unknown', ...(warning ? { warning } : {}) };
    if (node.properties && Object.prototype.hasOwnProperty.call(node.properties, seg)) {
      node = node.properties[seg]!;
    } else if (typeIncludes(node, 'array') && node.items) {
      if (!/^\d+$/.test(seg)) return { ok: false, message: `\`${here}\` is a list; index it with a number (\`${here}.0\`), not \`${seg}\`` };
      node = node.items;
    } else if (typeof node.additionalProperties === 'object') {
      if (defName === 'reasonCounts') {
        const problem = reasonCodeProblem(seg, `\`${next}\``, 'count');
        if (problem?.severity === 'error') return { ok: false, code: problem.code, message: problem.message };
        if (problem) warning = problem.message;
      }
      node = node.additionalProperties;
    } else if (node.additionalProperties === true) {
      return { ok: true, type: 'unknown' };
    } else if (node.properties) {
      const keys = Object.keys(node.properties);
      return { ok: false, message: `unknown path \`${segs.join('.')}\`: \`${here || 'the context'}\` has no \`${seg}\`` + (didYouMean(seg, keys) || `; it has ${list(keys)}`) };
    } else {
      return { ok: false, message: `unknown path \`${segs.join('.')}\`: \`${here}\` is ${typeOf(node) === 'unknown' ? 'a value' : `a ${typeOf(node)}`} and has no \`${seg}\`` };
    }
    here = next;
  }
  while (node.$ref) node = schema.definitions[node.$ref.replace('#/definitions/', '')]!;
  const field = fieldOf(node);
  const reasonList = schema.definitions.surface!.properties!.last_reason_codes!;
  const reasonCodes = node === reasonList ? 'list' : node === reasonList.items ? 'item' : undefined;
  return { ok: true, type: typeOf(node), ...(warning ? { warning } : {}), ...(field ? { field } : {}), ...(reasonCodes ? { reasonCodes } : {}) };
}

function fieldOf(node: SchemaNode): FieldType | undefined {
  if (node.enum) {
    const values = node.enum.filter((v): v is string => typeof v === 'string');
    if (values.length !== node.enum.filter((v) => v !== null).length) return undefined;
    return { type: 'string', nullable: node.enum.includes(null), enum: values };
  }
  const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const nonNull = types.filter((t) => t !== 'null');
  const t = nonNull[0];
  if (nonNull.length !== 1 || (t !== 'integer' && t !== 'number' && t !== 'string' && t !== 'boolean')) return undefined;
  return { type: t, nullable: types.includes('null') };
}

function isFreeForm(node: SchemaNode): boolean {
  return node.type === undefined && node.properties === undefined && node.enum === undefined && node.items === undefined && node.additionalProperties === undefined;
}

function typeIncludes(node: SchemaNode, t: string): boolean {
  return Array.isArray(node.type) ? node.type.includes(t) : node.type === t;
}

function typeOf(node: SchemaNode): ValueType {
  if (node.enum) return node.enum.every((v) => typeof v === 'string') ? 'string' : 'unknown';
  if (Array.isArray(node.type)) return 'unknown';
  switch (node.type) {
    case 'boolean': return 'boolean';
    case 'integer': case 'number': return 'number';
    case 'string': return 'string';
    case 'array': return 'array';
    case 'object': return 'object';
    default: return 'unknown';
  }
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => `\`${n}\``).join(', ');
}
