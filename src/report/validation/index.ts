/** Renders `validate` results. One file per format, all with this one signature. */
import type { SpecResult } from '../../spec/load-spec.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const VALIDATE_FORMATS = ['text', 'json', 'github', 'junit', 'markdown'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

/** What to print where: diagnostics in text form go to stderr (DESIGN §5), the rest to stdout. */
export interface Rendered {
  stdout: string;
  stderr: string;
}

export type ValidationRenderer = (results: readonly SpecResult[]) => Rendered;

export const RENDERERS: Record<ValidateFormat, ValidationRenderer> = {
  text: renderText,
  json: renderJson,
  github: renderGithub,
  junit: renderJunit,
  markdown: renderMarkdown,
};
