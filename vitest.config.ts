import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // CLI tests spawn real processes; give a slow CI machine room without hiding hangs.
    testTimeout: 30_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
