/** Runs in every test file (vitest.config.ts `setupFiles`). */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/temp-dir.js';

afterAll(removeTempDirs);
