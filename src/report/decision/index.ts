/** Renders decision records (`evaluate`, `control`). One file per format, all with this signature. */
import type { DecisionRecord } from '../../engine/record.js';
import type { Spec } from '../../spec/types.js';
import { jsonText } from '../escape.js';
import type { Renderer } from '../renderer.js';
import type { SarifTool } from '../sarif.js';
import { renderGithub } from './github.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTap } from './tap.js';
import { renderText } from './text.js';

export const EVALUATE_FORMATS = ['text', 'json', 'junit', 'github', 'markdown', 'sarif', 'tap'] as const;
export type EvaluateFormat = (typeof EVALUATE_FORMATS)[number];

export interface RenderContext {
  spec: Spec;
  /** Show every gate's and trigger's full trace (text). */
  explain: boolean;
  /** SARIF names the tool's version (the command reads it from package.json). */
  tool?: SarifTool;
}

/** The report on stdout; `github` adds the Markdown report as the step summary. */
export type DecisionRenderer = Renderer<DecisionRecord, RenderContext>;

export const DECISION_RENDERERS: Record<EvaluateFormat, DecisionRenderer> = {
  text: renderText,
  json: (record) => ({ stdout: jsonText(record, 2) + '\n' }),
  junit: renderJunit,
  github: renderGithub,
  markdown: renderMarkdown,
  sarif: renderSarif,
  tap: renderTap,
};
