import { defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/helpers/slowest-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // One real PostgreSQL server per run for the store tests (inject('postgres'), freshDatabase()).
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
    // CLI tests spawn real processes; give a slow CI machine room without hiding hangs.
    testTimeout: 30_000,
    // Most tests wait on the CLI processes they start: two files at a time keep both cores busy
    // (vitest's default on a 2-core machine is one).
    maxWorkers: 2,
    // Slowest files first, from test/durations.json: a fresh clone has no cache of durations.
    sequence: { sequencer: SlowestFirst },
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
