/** Renders `rollgate test` results. One file per format, all with this one signature. */
import type { TestRun } from '../../spec-test/run-tests.js';
import type { Renderer } from '../renderer.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const TEST_FORMATS = ['text', 'json', 'junit', 'github', 'markdown'] as const;
export type TestFormat = (typeof TEST_FORMATS)[number];

/** Diagnostics of invalid files go to stderr in text form (DESIGN §5); the report to stdout. */
export type TestRenderer = Renderer<TestRun>;

export const TEST_RENDERERS: Record<TestFormat, TestRenderer> = {
  text: renderText,
  json: renderJson,
  junit: renderJunit,
  github: renderGithub,
  markdown: renderMarkdown,
};
