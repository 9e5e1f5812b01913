/** Renders `validate` results. One file per format, all with this one signature. */
import type { SpecResult } from '../../spec/load-spec.js';
import type { Renderer } from '../renderer.js';
import type { SarifTool } from '../sarif.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTap } from './tap.js';
import { renderText } from './text.js';

export const VALIDATE_FORMATS = ['text', 'json', 'github', 'junit', 'markdown', 'sarif', 'tap'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export type { Rendered } from '../renderer.js';

/** What a format may need besides the results: SARIF names the tool's version. */
export interface ValidationRenderContext {
  tool?: SarifTool;
}

/** Diagnostics in text form go to stderr (DESIGN §5), the rest to stdout. */
export type ValidationRenderer = Renderer<readonly SpecResult[], ValidationRenderContext | void>;

export const RENDERERS: Record<ValidateFormat, ValidationRenderer> = {
  text: renderText,
  json: renderJson,
  github: renderGithub,
  junit: renderJunit,
  markdown: renderMarkdown,
  sarif: renderSarif,
  tap: renderTap,
};
