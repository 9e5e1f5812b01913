/** Renders `validate` results. One file per format, all with this one signature. */
import type { SpecResult } from '../../spec/load-spec.js';
import type { Renderer } from '../renderer.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const VALIDATE_FORMATS = ['text', 'json', 'github', 'junit', 'markdown'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export type { Rendered } from '../renderer.js';

/** Diagnostics in text form go to stderr (DESIGN §5), the rest to stdout. */
export type ValidationRenderer = Renderer<readonly SpecResult[]>;

export const RENDERERS: Record<ValidateFormat, ValidationRenderer> = {
  text: renderText,
  json: renderJson,
  github: renderGithub,
  junit: renderJunit,
  markdown: renderMarkdown,
};
