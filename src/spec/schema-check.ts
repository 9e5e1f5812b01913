/** Validates a parsed spec against schemas/rollout-spec.schema.json and explains every failure. */
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from './diagnostic.js';
import { describePath } from './describe-path.js';
import { readSchema } from './schema-files.js';
import type { SourceMap } from './source-map.js';
import { didYouMean } from './suggest.js';

type Segment = string | number;
type SchemaNode = Record<string, unknown> & { properties?: Record<string, { description?: string }>; 'x-hint'?: string };

/**
 * The schemas' keywords that validate nothing, which Ajv's strict mode must be told about: rollgate's
 * `x-hint` (the sentence `validate` adds to a failure) and the editor's (yaml-language-server, VS Code):
 * messages, Markdown help, completion snippets. Declared wherever Ajv compiles a schema
 * (here, scripts/build/precompile-schemas.mjs, tests).
 */
export const ANNOTATION_KEYWORDS = [
  { keyword: 'x-hint', schemaType: 'string' },
  { keyword: 'errorMessage', schemaType: 'string' },
  { keyword: 'patternErrorMessage', schemaType: 'string' },
  { keyword: 'deprecationMessage', schemaType: 'string' },
  { keyword: 'markdownDescription', schemaType: 'string' },
  { keyword: 'doNotSuggest', schemaType: 'boolean' },
  { keyword: 'defaultSnippets', schemaType: 'array' },
] as const;

export function declareAnnotations(ajv: AjvClass): AjvClass {
  for (const k of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword: k.keyword, schemaType: k.schemaType });
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();
/** Defined only in the CommonJS bundle of the CLI. */
declare const require: NodeJS.Require | undefined;

/** dist/validators/, written at build time (scripts/build/precompile-schemas.mjs); absent when running from src/. */
const PRECOMPILED = new URL('../validators/', import.meta.url);

function validator(schema: string): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate) return validate;
  // Compiling the schema costs more than the rest of a `validate` run: use the build's copy,
  // bundled into the CLI (a virtual module of scripts/build/bundle.mjs) or beside dist/spec/.
  try {
    const bundled = typeof require === 'function' ? (require('rollgate:validators') as Record<string, ValidateFunction>) : undefined;
    validate = bundled?.[schema] ?? (createRequire(import.meta.url)(fileURLToPath(new URL(schema.replace('.json', '.cjs'), PRECOMPILED))) as ValidateFunction);
    compiled.set(schema, validate);
    return validate;
  } catch {
    // Not built (tests run from src/): compile now.
  }
  // Loaded only here: Ajv's compiler is a fifth of the CLI bundle and a built CLI never needs it.
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
  declareAnnotations(ajv);
  validate = ajv.compile(readSchema(schema));
  compiled.set(schema, validate);
  return validate;
}

/** Validates against one of the shipped schemas (the rollout spec by default). */
export function checkSchema(data: unknown, file: string, sourceMap: SourceMap, schema = 'rollout-spec.schema.json'): Diagnostic[] {
  const validate = validator(schema);
  if (validate(data)) return [];
  const errors = dropNoise(validate.errors ?? []);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const d = explain(e, data, file, sourceMap);
    const key = `${d.line}:${d.col}:${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/** Inside an anyOf, each branch's failure is noise: the anyOf itself says what was expected. */
function dropNoise(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    return !anyOfs.some((a) => a !== e && e.instancePath.startsWith(a.instancePath) && e.schemaPath.startsWith(a.schemaPath + '/'));
  });
}

function segmentsOf(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const out: Segment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: Segment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    out.push(seg);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return out;
}

function explain(e: ErrorObject, data: unknown, file: string, sourceMap: SourceMap): Diagnostic {
  let path = segmentsOf(e.instancePath, data);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const hint = parent['x-hint'];
  const where = () => describePath(data, path);
  const shown = (v: unknown) => '`' + (typeof v === 'string' ? v : JSON.stringify(v)) + '`';
  let part: 'key' | 'value' = 'value';
  let code = 'schema';
  let message: string;

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const suggestion = didYouMean(key, allowed);
      message = `unknown key \`${key}\` in ${where()}` +
        (suggestion || (allowed.length > 0 ? `; the keys allowed here are ${allowed.map((k) => `\`${k}\``).join(', ')}` : ''));
      path = [...path, key];
      part = 'key';
      code = 'unknown-key';
      break;
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const about = firstSentence(parent.properties?.[key]?.description);
      message = `${where()} is missing \`${key}\`` + (about ? ` (${about})` : '');
      code = 'missing-key';
      break;
    }
    case 'type': {
      const expected = typeWords((e.params as { type: string | string[] }).type);
      message = `${where()} must be ${expected}, not ${valueWords(e.data)}` + (hint ? `; ${hint}` : '');
      code = 'wrong-type';
      break;
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      message = `${where()} is ${shown(e.data)}; expected one of ${allowed.map((v) => `\`${v}\``).join(', ')}` +
        (typeof e.data === 'string' ? didYouMean(e.data, allowed) : '');
      code = 'bad-value';
      break;
    }
    case 'const':
      message = `${where()} is ${shown(e.data)}; ${hint ?? `it must be ${shown((e.params as { allowedValue: unknown }).allowedValue)}`}`;
      code = 'bad-value';
      break;
    case 'anyOf':
    case 'oneOf':
      message = `${where()} is ${shown(e.data)}; ${hint ?? 'it matches none of the allowed forms'}`;
      code = 'bad-value';
      break;
    case 'pattern':
    case 'minimum':
    case 'maximum':
    case 'minLength':
      if (hint) {
        message = `${where()} is ${shown(e.data)}; ${hint}`;
        code = /duration/i.test(hint) ? 'bad-duration' : 'bad-value';
      } else if (e.keyword === 'minimum' || e.keyword === 'maximum') {
        const limit = (e.params as { limit: number }).limit;
        message = `${where()} is ${shown(e.data)}; it must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}`;
        code = 'out-of-range';
      } else {
        message = `${where()} is ${shown(e.data)}, which is not allowed here`;
      }
      break;
    case 'propertyNames': {
      const name = String((e.params as { propertyName: string }).propertyName);
      message = `\`${name}\` is not a valid name in ${where()}` + (hint ? `; ${hint}` : '');
      path = [...path, name];
      part = 'key';
      code = 'bad-name';
      break;
    }
    case 'minItems':
    case 'minProperties':
      message = `${where()} is empty; ${hint ?? 'give at least one entry'}`;
      code = 'empty';
      break;
    case 'uniqueItems': {
      const { i } = e.params as { i: number; j: number };
      message = `${where()} lists ${shown((e.data as unknown[])[i])} twice; list each entry once`;
      code = 'duplicate-entry';
      break;
    }
    case 'maxLength':
      message = `${where()} is longer than ${(e.params as { limit: number }).limit} characters`;
      code = 'too-long';
      break;
    default:
      message = `${where()} ${e.message ?? 'is not valid'}`;
  }
  const { line, col } = sourceMap.locate(path, part);
  return { severity: 'error', code, message, file, line, col, path: e.keyword === 'additionalProperties' || e.keyword === 'propertyNames' ? `${e.instancePath}/${String(path[path.length - 1])}` : e.instancePath };
}

function firstSentence(text: string | undefined): string {
  if (!text) return '';
  // A full stop ends it, but not the one in "e.g." or "i.e.".
  const end = text.search(/(?<!\b(?:e\.g|i\.e))\.(\s|$)/);
  const s = end >= 0 ? text.slice(0, end) : text;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function typeWords(type: string | string[]): string {
  const words: Record<string, string> = {
    string: 'text', number: 'a number', integer: 'a whole number', boolean: 'true or false',
    object: 'a mapping (key: value)', array: 'a list', null: 'empty',
  };
  const list = (Array.isArray(type) ? type : type.split(',')).map((t) => words[t.trim()] ?? t);
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0] ?? 'something else';
}

function valueWords(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text \`${value}\``;
  if (typeof value === 'number') return `the number ${value}`;
  return `\`${String(value)}\``;
}
