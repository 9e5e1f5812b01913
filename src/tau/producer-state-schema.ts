/**
 * The producer's state.json types, field by field, as its Rust serde structs declare them
 * (tau-coding-agent: the `*RuntimeState` structs each runtime loads and saves, and the
 * `*StatusStateFile` structs its status inspectors read). A value serde would refuse makes
 * the whole file unavailable, with a sentence naming the field and the value seen.
 *
 * Leniency, as the producer's readers have it: unknown keys are ignored (no
 * deny_unknown_fields); every field listed may be missing and takes its default (the status
 * inspectors read every record field with #[serde(default)], and seeded demo files carry
 * partial records such as `{"widget_id":"health-summary"}`). A field that is present must
 * have the type: `null` is only an Option's value; an integer is written without fraction or
 * exponent (serde_json refuses `1.0` for a u64) and lies in its type's range.
 */

type Scalar = 'u16' | 'u32' | 'u64' | 'usize' | 'i32' | 'string' | 'bool' | 'any';
export type FieldType =
  | Scalar
  | { option: FieldType }
  | { vec: FieldType }
  | { struct: string; fields: Record<string, FieldType> };

const opt = (of: FieldType): FieldType => ({ option: of });
const vec = (of: FieldType): FieldType => ({ vec: of });
const struct = (name: string, fields: Record<string, FieldType>): FieldType => ({ struct: name, fields });

/** tau_runtime::transport_health::TransportHealthSnapshot (all #[serde(default)]). */
const HEALTH = struct('TransportHealthSnapshot', {
  updated_unix_ms: 'u64', cycle_duration_ms: 'u64', queue_depth: 'usize', active_runs: 'usize', failure_streak: 'usize',
  last_cycle_discovered: 'usize', last_cycle_processed: 'usize', last_cycle_completed: 'usize', last_cycle_failed: 'usize', last_cycle_duplicates: 'usize',
});

const EXECUTION_POLICY = struct('CustomCommandExecutionPolicy', {
  schema_version: 'u32', require_approval: 'bool', allow_shell: 'bool', allow_network: 'bool',
  sandbox_profile: 'string', allowed_env: vec('string'), denied_env: vec('string'),
});

/** Top level: one table for every surface kind, since the kind is known only from these keys. */
export const PRODUCER_STATE = struct('RuntimeState', {
  schema_version: 'u32',
  processed_case_keys: vec('string'),
  health: HEALTH,
  // dashboard: DashboardRuntimeState
  widget_views: vec(struct('DashboardWidgetView', {
    widget_id: 'string', kind: 'string', title: 'string', query_key: 'string', refresh_interval_ms: 'u64', last_case_key: 'string', updated_unix_ms: 'u64',
  })),
  control_audit: vec(struct('DashboardControlAuditRecord', {
    event_key: 'string', case_id: 'string', action: 'string', status: 'string', timestamp_unix_ms: 'u64',
  })),
  // custom-command: CustomCommandRuntimeState
  commands: vec(struct('CustomCommandRecord', {
    case_key: 'string', case_id: 'string', command_name: 'string', template: 'string', execution_policy: EXECUTION_POLICY,
    operation: 'string', last_status_code: 'u16', last_outcome: 'string', run_count: 'u64',
    last_error_code: 'string', last_command_line: 'string', last_exit_code: opt('i32'), last_stdout: 'string', last_stderr: 'string',
    last_timed_out: 'bool', last_duration_ms: 'u64', updated_unix_ms: 'u64',
  })),
  // voice: VoiceRuntimeState
  interactions: vec(struct('VoiceInteractionRecord', {
    case_key: 'string', case_id: 'string', mode: 'string', wake_word: 'string', locale: 'string', speaker_id: 'string', utterance: 'string',
    last_status_code: 'u16', last_outcome: 'string', run_count: 'u64', updated_unix_ms: 'u64',
  })),
  // deployment: DeploymentRuntimeState
  rollouts: vec(struct('DeploymentPlanRecord', {
    case_key: 'string', case_id: 'string', deploy_target: 'string', runtime_profile: 'string', blueprint_id: 'string', environment: 'string',
    region: 'string', artifact: 'string', artifact_sha256: 'string', artifact_size_bytes: 'u64', artifact_manifest: 'string',
    runtime_constraints: vec('string'), replicas: 'u16', rollout_strategy: 'string', status_code: 'u16', outcome: 'string', error_code: 'string', updated_unix_ms: 'u64',
  })),
  // memory: MemoryRuntimeState (MemoryEntry fields as the samples show them)
  entries: vec(struct('MemoryEntry', { memory_id: 'string', summary: 'string', tags: vec('string') })),
  // browser automation: BrowserAutomationRuntimeState
  results: vec(struct('BrowserAutomationResultRecord', {
    case_key: 'string', operation: 'string', status_code: 'u16', error_code: 'string', response_body: 'any',
  })),
});

/** The only state schema rollgate knows; serde's default when the key is missing. */
export const KNOWN_SCHEMA_VERSION = 1;

const RANGES: Record<'u16' | 'u32' | 'i32', [number, number]> = { u16: [0, 65535], u32: [0, 4294967295], i32: [-2147483648, 2147483647] };

export function describeType(t: FieldType): string {
  if (typeof t === 'string') {
    switch (t) {
      case 'u16':
      case 'u32':
      case 'i32':
        return `${t} (an integer ${RANGES[t][0]}..${RANGES[t][1]})`;
      case 'u64':
      case 'usize':
        return `${t} (a non-negative integer)`;
      case 'string':
        return 'String (a JSON string)';
      case 'bool':
        return 'bool (true or false)';
      default:
        return 'any JSON value';
    }
  }
  if ('option' in t) return `Option<${bare(t.option)}> (null or ${describeType(t.option).replace(/^\S+ \((.*)\)$/, '$1')})`;
  if ('vec' in t) return `Vec<${bare(t.vec)}> (an array)`;
  return `${t.struct} (an object)`;
}

function bare(t: FieldType): string {
  if (typeof t === 'string') return t === 'string' ? 'String' : t;
  if ('option' in t) return `Option<${bare(t.option)}>`;
  if ('vec' in t) return `Vec<${bare(t.vec)}>`;
  return t.struct;
}

interface Mismatch {
  path: string;
  /** The value as written. */
  seen: string;
  type: FieldType;
  note?: string;
}

/** What serde would say of `value` as `t`: null when it accepts it, else why not (`rawNumbers`: fractionalNumbers). */
export function mismatch(value: unknown, t: FieldType, path: string, rawNumbers: ReadonlyMap<string, string>): Mismatch | null {
  const no = (note?: string): Mismatch => ({ path, seen: rawNumbers.get(path) ?? show(value), type: t, ...(note ? { note } : {}) });
  if (typeof t === 'string') {
    // Which scalars are accepted is accepts' to say; this only tells why one is not.
    const integer = typeof value === 'number' && Number.isInteger(value) && t !== 'any' && t !== 'string' && t !== 'bool';
    if (integer && rawNumbers.has(path)) return no('written with a fraction or an exponent');
    if (accepts(value, t)) return null;
    if (integer && !Number.isSafeInteger(value)) return no(`past ${Number.MAX_SAFE_INTEGER}, the largest integer rollgate reads exactly`);
    return no();
  }
  if ('option' in t) {
    if (value === null) return null;
    const bad = mismatch(value, t.option, path, rawNumbers);
    return bad && bad.path === path ? { ...bad, type: t } : bad;
  }
  if ('vec' in t) {
    if (!Array.isArray(value)) return no();
    for (let i = 0; i < value.length; i++) {
      const bad = mismatch(value[i], t.vec, `${path}[${i}]`, rawNumbers);
      if (bad) return bad;
    }
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return no();
  const record = value as Record<string, unknown>;
  for (const [key, type] of fieldsOf(t)) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue; // #[serde(default)]
    const bad = mismatch(record[key], type, path === '' ? key : `${path}.${key}`, rawNumbers);
    if (bad) return bad;
  }
  return null;
}

const NO_RAW_NUMBERS: ReadonlyMap<string, string> = new Map();

/**
 * mismatch(value, t, path, NO_RAW_NUMBERS) === null, without the paths: a state.json is checked
 * at every check, and a path string per field and array item was most of its cost.
 */
export function accepts(value: unknown, t: FieldType): boolean {
  if (typeof t === 'string') {
    switch (t) {
      case 'any':
        return true;
      case 'string':
        return typeof value === 'string';
      case 'bool':
        return typeof value === 'boolean';
      default: {
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) return false;
        return t === 'u64' || t === 'usize' ? value >= 0 : value >= RANGES[t][0] && value <= RANGES[t][1];
      }
    }
  }
  if ('option' in t) return value === null || accepts(value, t.option);
  if ('vec' in t) {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!accepts(value[i], t.vec)) return false;
    return true;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  // Indexed, not for-of: a cold loop (before V8 optimizes it) pays for each iterator step, and
  // a state.json is checked for each surface at each check.
  const fields = fieldsOf(t);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!; // not destructured: that too is an iterator step, cold
    const key = field[0];
    if (Object.prototype.hasOwnProperty.call(record, key) && !accepts(record[key], field[1])) return false;
  }
  return true;
}

const FIELDS = new WeakMap<object, [string, FieldType][]>();

/** A struct's fields as pairs, listed once. */
function fieldsOf(t: { fields: Record<string, FieldType> }): [string, FieldType][] {
  let pairs = FIELDS.get(t);
  if (pairs === undefined) FIELDS.set(t, (pairs = Object.entries(t.fields)));
  return pairs;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/**
 * Checks a parsed state.json object against the producer's types. `text` is the file's text:
 * it is scanned (only when it could hold one) for integers written as `1.0` or `1e3`, which
 * JSON.parse turns into integers but serde refuses for an integer field.
 * Returns null when the producer would read the file, else the reason it would not.
 */
export function checkProducerState(state: Record<string, unknown>, text: string): string | null {
  const raw = /\d[.eE]/.test(text) ? fractionalNumbers(text) : NO_RAW_NUMBERS;
  // Most files are accepted: proven without building a path per field, then told in detail only when not.
  const bad = raw.size === 0 && accepts(state, PRODUCER_STATE) ? null : mismatch(state, PRODUCER_STATE, '', raw);
  if (bad) {
    const seen = bad.note ? `${bad.seen} (${bad.note})` : bad.seen;
    return `state.json: ${bad.path} = ${seen}; the producer's type is ${describeType(bad.type)}`;
  }
  const version = state.schema_version ?? KNOWN_SCHEMA_VERSION;
  if (version !== KNOWN_SCHEMA_VERSION) {
    return `state.json has schema_version ${String(version)}; rollgate knows only schema_version ${KNOWN_SCHEMA_VERSION} (the producer itself discards a state of another version)`;
  }
  return null;
}

/**
 * Path -> raw text of every number written with a fraction or an exponent, in JSON text
 * already known to be valid. Paths read like the checker's: `commands[0].last_status_code`.
 */
export function fractionalNumbers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const stack: { array: boolean; key: string; index: number }[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */ || c === 91 /* [ */) stack.push({ array: c === 91, key: '', index: 0 });
    else if (c === 125 /* } */ || c === 93 /* ] */) stack.pop();
    else if (c === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
    } else if (c === 34 /* " */) {
      let end = i + 1;
      while (end < n) {
        const d = text.charCodeAt(end);
        if (d === 92 /* \ */) end += 2;
        else if (d === 34) break;
        else end++;
      }
      const top = stack[stack.length - 1];
      if (top && !top.array) {
        let j = end + 1;
        while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) j++;
        if (text.charCodeAt(j) === 58 /* : */) {
          const body = text.slice(i + 1, end);
          top.key = body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body;
        }
      }
      i = end;
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let end = i + 1;
      while (end < n && /[0-9.eE+-]/.test(text[end]!)) end++;
      const token = text.slice(i, end);
      if (/[.eE]/.test(token)) {
        let path = '';
        for (const frame of stack) {
          if (frame.array) path += `[${frame.index}]`;
          else path += path === '' ? frame.key : `.${frame.key}`;
        }
        out.set(path, token);
      }
      i = end - 1;
    }
  }
  return out;
}
