// Ajv validators compiled once at build time (Ajv "standalone" code) instead of at every start:
// dist/validators/<schema>.cjs, loaded by src/spec/schema-check.ts when present.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Ajv } = require('ajv');
const standaloneCode = require('ajv/dist/standalone').default;

// Keywords that validate nothing (rollgate's x-hint, the editor's messages and snippets): the same
// list as ANNOTATION_KEYWORDS in src/spec/schema-check.ts (strict mode throws on one left out).
const ANNOTATIONS = [
  ['x-hint', 'string'], ['errorMessage', 'string'], ['patternErrorMessage', 'string'], ['deprecationMessage', 'string'],
  ['markdownDescription', 'string'], ['doNotSuggest', 'boolean'], ['defaultSnippets', 'array'],
];

mkdirSync('dist/validators', { recursive: true });
for (const file of readdirSync('schemas').filter((f) => f.endsWith('.schema.json'))) {
  // The same options as the runtime compile in schema-check.ts, plus code generation.
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true, code: { source: true } });
  for (const [keyword, schemaType] of ANNOTATIONS) ajv.addKeyword({ keyword, schemaType });
  const validate = ajv.compile(JSON.parse(readFileSync(`schemas/${file}`, 'utf8')));
  writeFileSync(`dist/validators/${file.replace('.json', '.cjs')}`, standaloneCode(ajv, validate));
}
