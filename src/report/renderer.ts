/**
 * The one renderer contract. Every output format of every command is a `Renderer`: a pure
 * function from the command's data (and a context) to what to print. A renderer writes nothing
 * and reads no environment; the command hands its result to `emit` (src/cli/emit.ts).
 */

/** What a command prints: each part already escaped (src/report/escape.ts). */
export interface Rendered {
  /** The report. */
  stdout: string;
  /** Diagnostics in text form (DESIGN §5), written before the report; none when absent or empty. */
  stderr?: string;
  /**
   * Markdown for the CI job's step summary, appended when the CI names one (GitHub Actions:
   * the file in $GITHUB_STEP_SUMMARY); dropped elsewhere.
   */
  appendToStepSummary?: string;
}

/** One output format: `data` (and the context, when the format needs one) in, `Rendered` out. */
export type Renderer<T, C = void> = (data: T, ctx: C) => Rendered;
