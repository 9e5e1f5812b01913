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
    // No PostgreSQL server here (vitest.config.ts starts one for the whole run): the files that
    // need it are left to `npm test`.
    globalSetup: [],
    include: ['test/{engine,rules,spec,spec-test,observe,report,store,hooks,runner,schedule,routing}/**/*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      // These start the built CLI or import dist/.
      'test/observe/samples.test.ts',
      'test/observe/untrusted-reads.test.ts',
      'test/observe/event-cursor.test.ts',
      'test/schedule/windows-and-schedules.test.ts',
      // In process, but long: a minute of spec mutants.
      'test/spec-test/mutations-*.test.ts',
      // These use the real PostgreSQL server of vitest.config.ts's globalSetup.
      'test/store/postgres*.test.ts',
      'test/store/postgres/**',
    ],
  },
});
