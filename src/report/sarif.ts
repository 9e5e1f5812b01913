/**
 * SARIF 2.1.0 (OASIS), the format GitHub code scanning uploads (`github/codeql-action/upload-sarif`):
 * one log, one run of rollgate, a result per finding (an invalid spec's diagnostic, a failing
 * gate, a fired trigger, a failing test case, a coverage gap) at the spec's line and column.
 * What passes is not a result. The `sarif` renderer of each command (validation/sarif.ts,
 * decision/sarif.ts, spec-test/sarif.ts) turns its data into findings; this builds the log, which
 * the renderer writes with `jsonText`. test/report/sarif-tap.test.ts checks every log against the
 * official schema (test/fixtures/sarif-schema-2.1.0.json).
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../spec/diagnostic.js';

/** Who made the log: rollgate's version (package.json, read by the command) and, when known, its home page. */
export interface SarifTool {
  version: string;
  informationUri?: string;
}

export type SarifLevel = 'error' | 'warning' | 'note';

/** The command whose run the log records (its `automationDetails` category). */
export type SarifCommand = 'validate' | 'evaluate' | 'test';

/** One result to report: `rule` without the `rollgate/` prefix (a diagnostic's code, or one of RULES). */
export interface Finding {
  rule: string;
  level: SarifLevel;
  message: string;
  /** Where it is: line 0 for the whole file (no region), column 0 for the whole line. */
  at: { file: string; line: number; col: number };
  /** What the finding is about, apart from where (a gate's phase and name): the fingerprint that follows it across edits. */
  identity: string;
}

/** The rules that are not diagnostic codes. */
export const RULES: Record<string, { name: string; text: string; level: SarifLevel }> = {
  'gate-failed': { name: 'GateFailed', text: "A promotion gate's rule was false at this check: the rollout does not promote.", level: 'error' },
  'gate-error': { name: 'GateError', text: "A promotion gate's rule could not be evaluated (a missing or unreadable value): it counts as failing.", level: 'warning' },
  'trigger-fired': { name: 'TriggerFired', text: "A rollback trigger's condition held on enough checks: the rollout holds or rolls back.", level: 'error' },
  'trigger-error': { name: 'TriggerError', text: "A rollback trigger's condition could not be evaluated at this check.", level: 'warning' },
  'case-failed': { name: 'CaseFailed', text: "A spec test case's expectation did not hold when its timeline was replayed.", level: 'error' },
  'coverage-gap': { name: 'CoverageGap', text: 'A gate or trigger that no test case exercises both ways (passing and failing, quiet and fired).', level: 'warning' },
};

/** The rules of each command, listed whether or not a result uses them. */
const COMMAND_RULES: Record<SarifCommand, string[]> = {
  validate: [],
  evaluate: ['gate-failed', 'gate-error', 'trigger-fired', 'trigger-error'],
  test: ['case-failed', 'coverage-gap'],
};

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A spec diagnostic as a finding of rule `rollgate/<code>`. */
export function diagnosticFinding(d: Diagnostic): Finding {
  return { rule: d.code, level: d.severity, message: d.message, at: { file: d.file, line: d.line, col: d.col }, identity: `${d.code}\u0000${d.path}\u0000${d.message}` };
}

const percent = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
const encodePath = (path: string) => path.split('/').map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, percent)).join('/');

/**
 * The artifact URI of a spec path: a relative path as given, with forward slashes and without a
 * leading `./` (code scanning resolves it against the checkout); an absolute path as a `file://`
 * URI. Each segment percent-encoded, so `<stdin>`, a space or a `#` stays a valid URI reference.
 */
export function artifactUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  if (slashed.startsWith('/')) return 'file://' + encodePath(slashed);
  if (/^[A-Za-z]:\//.test(slashed)) return 'file:///' + slashed.slice(0, 2) + encodePath(slashed.slice(2));
  return encodePath(slashed.replace(/^(?:\.\/)+/, ''));
}

const ruleOf = (id: string) => {
  const known = RULES[id];
  return known
    ? { id: `rollgate/${id}`, name: known.name, shortDescription: { text: known.text }, defaultConfiguration: { level: known.level } }
    : { id: `rollgate/${id}`, shortDescription: { text: `A spec problem that rollgate validate reports as \`${id}\`; the result's message says what to change.` }, defaultConfiguration: { level: 'error' as SarifLevel } };
};

const fingerprint = (f: Finding) => createHash('sha256').update(`${f.rule}\u0000${f.at.file}\u0000${f.identity}`).digest('hex').slice(0, 32);

/**
 * The SARIF log of one command's run: the findings in order, each with its rule (the command's
 * own rules first, then the diagnostic codes in the order they occur), a `partialFingerprints`
 * entry and, when the position is known, a region (1-based line and column, in UTF-16 code units
 * as the YAML parser counts them). `category` (evaluate: the rollout) and `properties` (the
 * decision) describe the run.
 */
export function sarifLog(command: SarifCommand, findings: readonly Finding[], tool: SarifTool | undefined, run: { category?: string; properties?: Record<string, unknown> } = {}) {
  const ids = [...new Set([...COMMAND_RULES[command], ...findings.map((f) => f.rule)])];
  const index = new Map(ids.map((id, i) => [id, i]));
  const results = findings.map((f) => ({
    ruleId: `rollgate/${f.rule}`,
    ruleIndex: index.get(f.rule)!,
    level: f.level,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(f.at.file) },
          ...(f.at.line > 0 ? { region: { startLine: f.at.line, ...(f.at.col > 0 ? { startColumn: f.at.col } : {}) } } : {}),
        },
      },
    ],
    partialFingerprints: { 'rollgateFinding/v1': fingerprint(f) },
  }));
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rollgate',
            ...(tool ? { version: tool.version, semanticVersion: tool.version } : {}),
            ...(tool?.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: ids.map(ruleOf),
          },
        },
        // Code scanning keeps one analysis per category: each rollout's evaluate its own.
        automationDetails: { id: `rollgate/${command}/${run.category === undefined ? '' : `${run.category}/`}` },
        columnKind: 'utf16CodeUnits',
        results,
        ...(run.properties ? { properties: run.properties } : {}),
      },
    ],
  };
}
