/**
 * `npm run test:fast`: the in-process suites only (no CLI process, no built dist/), for the
 * edit-test loop; `npm test` runs everything.
 */
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  test: {
    ...base.test,
    // Threads start faster than forks; nothing here changes the process (cwd, umask, exit).
    pool: 'threads',
    include: ['test/{engine,rules,spec,spec-test,observe,report,store,hooks,runner,schedule}/**/*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      // These start the built CLI or import dist/.
      'test/observe/samples.test.ts',
      'test/observe/untrusted-reads.test.ts',
      'test/observe/event-cursor.test.ts',
      'test/schedule/windows-and-schedules.test.ts',
      // In process, but long: a minute of spec mutants.
      'test/spec-test/mutations-*.test.ts',
    ],
  },
});
