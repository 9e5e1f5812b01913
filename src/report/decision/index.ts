/** Renders decision records (`evaluate`). One file per format, all with this signature. */
import type { DecisionRecord } from '../../engine/record.js';
import type { Spec } from '../../spec/types.js';
import { jsonText } from '../escape.js';
import { renderGithub } from './github.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const EVALUATE_FORMATS = ['text', 'json', 'junit', 'github', 'markdown'] as const;
export type EvaluateFormat = (typeof EVALUATE_FORMATS)[number];

export interface RenderContext {
  spec: Spec;
  /** Show every gate's and trigger's full trace (text). */
  explain: boolean;
}

export type DecisionRenderer = (record: DecisionRecord, ctx: RenderContext) => string;

export const DECISION_RENDERERS: Record<EvaluateFormat, DecisionRenderer> = {
  text: renderText,
  json: (record) => jsonText(record, 2) + '\n',
  junit: renderJunit,
  github: renderGithub,
  markdown: renderMarkdown,
};
