/** `rollgate inspect`: a surface's producer-compatible status report, or its transport-health row. */
import { formatDiagnostic } from './diagnostic.js';
import { jsonText, textLines } from './escape.js';
import { keyValueLine } from './key-value-line.js';
import type { Renderer } from './renderer.js';

export const INSPECT_FORMATS = ['text', 'json'] as const;
export type InspectFormat = (typeof INSPECT_FORMATS)[number];

/** The status report (observe/status-report.ts), or with --transport-health its one row. */
export type InspectView = { report: Record<string, unknown>; transportHealth?: undefined } | { report?: undefined; transportHealth: Record<string, unknown> };

export const INSPECT_RENDERERS: Record<InspectFormat, Renderer<InspectView>> = {
  text: ({ report, transportHealth: row }) => ({
    stdout: row
      ? keyValueLine('', { transport: row.transport, target: row.target, state_path: row.state_path, ...(row.health as object) }) + '\n'
      : keyValueLine(`${String(report!.surface_kind)} status inspect: `, report!) + '\n',
  }),
  json: ({ report, transportHealth: row }) => ({ stdout: row ? jsonText([row], 2) + '\n' : jsonText(report, 2) + '\n' }),
};

/** A warning on stderr when the surface's state.json could not be read. */
export const renderInspectNotes: Renderer<{ stateDir: string; report: Record<string, unknown> }> = ({ stateDir, report }) => ({
  stdout: '',
  stderr: textLines((report.state_present ? [] : [`state unavailable: ${String(report.state_error)}`]).map((message) => formatDiagnostic({ file: stateDir, line: 0, col: 0, severity: 'warning', message }))),
});
