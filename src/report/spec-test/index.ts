/** Renders `rollgate test` results. One file per format, all with this one signature. */
import type { TestRun } from '../../spec-test/run-tests.js';
import type { Renderer } from '../renderer.js';
import type { SarifTool } from '../sarif.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTap } from './tap.js';
import { renderText } from './text.js';

export const TEST_FORMATS = ['text', 'json', 'junit', 'github', 'markdown', 'sarif', 'tap'] as const;
export type TestFormat = (typeof TEST_FORMATS)[number];

/** What a format may need besides the run: SARIF names the tool's version; a coverage gap fails only with --require-coverage. */
export interface TestRenderContext {
  tool?: SarifTool;
  requireCoverage?: boolean;
}

/** Diagnostics of invalid files go to stderr in text form (DESIGN §5); the report to stdout. */
export type TestRenderer = Renderer<TestRun, TestRenderContext | void>;

export const TEST_RENDERERS: Record<TestFormat, TestRenderer> = {
  text: renderText,
  json: renderJson,
  junit: renderJunit,
  github: renderGithub,
  markdown: renderMarkdown,
  sarif: renderSarif,
  tap: renderTap,
};
