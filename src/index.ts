/**
 * rollgate as a library: `import { loadSpecFile, observe, check } from 'rollgate'`.
 *
 * A thin façade over the modules the CLI uses: every export is the same function or type the
 * commands call, re-exported here (nothing is wrapped). The pure engine (`check`,
 * `applyAction`) reads no clock, no files and no environment; the edge (`observe`, `runCheck`,
 * `runControl`, `RolloutFolder`, `simulate`, `runTests`) reads and writes files.
 * README "Use as a library" has a worked example.
 */

/**
 * Specs: load and validate. Neither function throws on bad input: every problem is a
 * `Diagnostic` (file, line, col, code, message), and `spec` is non-null only without errors.
 * `loadSpecText` is pure (the file name only labels diagnostics); `loadSpecFile` reads the file.
 */
export { loadSpecFile, loadSpecText, MAX_SPEC_BYTES, type SpecResult } from './spec/load-spec.js';
export { hasErrors, byPosition, type Diagnostic, type Severity as DiagnosticSeverity } from './spec/diagnostic.js';

/** The typed, normalized spec (`SpecResult.spec`) and its parts. */
export {
  DEFAULTS,
  type Spec,
  type SurfaceSpec,
  type SurfaceKind,
  type InputSpec,
  type CronSpec,
  type GateSpec,
  type PhaseSpec,
  type TriggerSpec,
  type TriggerAction,
  type Severity as TriggerSeverity,
  type HookSpec,
  type HookEvent,
  type SourceRef,
  type Rule,
} from './spec/types.js';

/**
 * Observation: what a check reads from the world. `await observeRollout(spec, state, { root, nowMs })`
 * asks every source (by default each surface's Tau state directory, with the event cursors
 * remembered in `state`, null before the first check, and every input file), relative paths
 * resolved against `root`. A source is an `ObservationSource`; pass `sources` to add your own.
 */
export { observeRollout, DEFAULT_SOURCES, type ObserveOptions } from './observe/observe-rollout.js';
export type { ObservationSource, ObserveRequest } from './observe/source.js';
export { tauSurfaces } from './observe/tau-surfaces.js';
export { inputFiles } from './observe/input-files.js';
export { resolveIn } from './observe/paths.js';
export type { Observations, SurfaceObservation, InputObservation, StateRead, ControlState, EventCursor } from './engine/observations.js';

/**
 * The pure engine. `check(spec, previous, observations, nowMs, { dryRun })` returns the decision
 * record, the next state and the hook events to run; `applyAction` does the same for a manual
 * action (pause, resume, abort, promote, retry, acknowledge, reset-clock). Same inputs, same output.
 */
export { check, checkContext, startState, summarize, type CheckOptions, type CheckResult } from './engine/check.js';
export { applyAction, MANUAL_ACTIONS, type ManualAction, type ActionResult, type ActionObservation, type Who } from './engine/manual-action.js';
export type { CheckContext } from './engine/rule-context.js';

/**
 * End to end with the file store, as `rollgate evaluate` and `rollgate control` do: lock,
 * recover, load, observe, decide, run hooks, write the incident, journal, save, unlock.
 * Store problems throw a `StoreError` whose `exitCode` is the CLI's (65, 73, 75).
 */
export { runCheck, type RunCheckOptions, type CheckRun } from './runner/run-check.js';
export { runControl, defaultActor, type ControlOptions, type ControlRun } from './runner/run-control.js';

/**
 * The edge loop itself, with your own store, sources and providers: `operate(spec, operation,
 * { store, root, nowMs, sources?, providers? })`; and where a rollout stands (`status`, the dashboard).
 */
export { operate, type Operation, type EdgeOptions, type Operated } from './runner/operate.js';
export { rolloutStatus, type StatusQuery, type RolloutStanding } from './runner/rollout-status.js';

/**
 * Stores: the `RolloutStore` interface (lock, recover, load, commit with journal, audit,
 * incidents, history, verify); `fileStore(dir, rollout)` (`<store>/<rollout>/`: rollout.json,
 * the hash-chained decisions.jsonl, the actions audit, incidents) and `memoryStore(rollout)`.
 */
export type { RolloutStore, StoreLock, Committed } from './store/rollout-store.js';
export { fileStore } from './store/file-store.js';
export { memoryStore } from './store/memory-store.js';
export { RolloutFolder } from './store/file-rollout-store.js';
/** Traffic providers (routing/): what carries a decision out (today the spec's hooks). */
export type { TrafficProvider, Change, Decided } from './routing/provider.js';
export { hooksProvider } from './routing/hooks-provider.js';
export { verifyJournal, GENESIS, recordHash, type Verification, type JournalEntry } from './store/journal.js';
export { StoreError } from './store/store-error.js';

/** Simulation: replay a timeline file through the same observation code and engine on a virtual clock. */
export { simulate, MAX_CHECKS, type SimulateOptions, type SimulationResult } from './simulate/simulate.js';
export { loadTimelineFile, type Timeline, type TimelineLoad, type TimelineEvent } from './simulate/timeline.js';

/** Spec tests (`*.test.yaml`): find the files, run their cases, tally coverage. */
export { runTests, type RunTestsOptions, type TestRun, type FileResult, type CaseResult } from './spec-test/run-tests.js';
export { findTestFiles, DEFAULT_TEST_DIRS, type TestPaths } from './spec-test/find-test-files.js';
export type { ExpectationFailure } from './spec-test/expectations.js';
export type { SpecCoverage, CoverageItem } from './spec-test/coverage.js';

/**
 * Renderers, one per output format, the CLI's own: decision records (`evaluate`, `control`),
 * validation results (`validate`), spec-test runs (`test`), and the reports of `status`,
 * `journal`, `simulate`, `schedule`, `inspect` and `run`. Every one is a `Renderer`: pure, data
 * in, `Rendered` out (`stdout`; `stderr` for diagnostics, printed first; `appendToStepSummary`
 * for a CI job summary, e.g. the file $GITHUB_STEP_SUMMARY names). `formatDiagnostic` writes
 * a diagnostic the way every command prints one: `file:line:col: severity: message`.
 */
export type { Rendered, Renderer } from './report/renderer.js';
export { formatDiagnostic, formatPosition } from './report/diagnostic.js';
export { DECISION_RENDERERS, EVALUATE_FORMATS, type EvaluateFormat, type DecisionRenderer, type RenderContext } from './report/decision/index.js';
export { RENDERERS as VALIDATION_RENDERERS, VALIDATE_FORMATS, type ValidateFormat, type ValidationRenderer } from './report/validation/index.js';
export { TEST_RENDERERS, TEST_FORMATS, type TestFormat, type TestRenderer } from './report/spec-test/index.js';
export { STATUS_RENDERERS, type StatusReport, type StatusView } from './report/status.js';
export { JOURNAL_RENDERERS, renderJournalProblems, type JournalView } from './report/journal.js';
export { SIMULATE_RENDERERS, type SimulationView } from './report/simulate.js';
export { SCHEDULE_RENDERERS, type ScheduleView } from './report/schedule.js';
export { INSPECT_RENDERERS, type InspectView } from './report/inspect.js';
export { RUN_RENDERERS, type CheckLine } from './report/run.js';

/** Exit codes (DESIGN §5): the table, and the one for each decision (0 promote/wait/complete, 1 hold, 2 rollback). */
export { EXIT, EXIT_OF } from './cli/exit-codes.js';

/** The decision record (one per check, printed and journaled) and the remembered rollout state. */
export {
  gateOfDecision,
  type DecisionRecord,
  type GateResult,
  type TriggerResult,
  type RecordSource,
  type SurfaceSummary,
  type HookResult,
  type PhaseRef,
} from './engine/record.js';
export {
  isTerminal,
  type Decision,
  type RolloutStatus,
  type RolloutState,
  type PhaseMemory,
  type SurfaceMemory,
  type PendingHooks,
} from './engine/state.js';
