/**
 * The built code cache (scripts/build/code-cache.mjs) is one a fresh start accepts: V8 rejects,
 * silently, a cache written under other flags (a command that sets a V8 flag at run time, if it
 * did so during the build's warm-up), and every command then starts ~40 ms slower.
 */
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
// @ts-expect-error: a plain ES module of the build scripts
import { cacheVerdict } from '../../scripts/build/cache-accepted.mjs';

describe('the code cache', () => {
  it('is accepted by a fresh node for the bundle it was built with', () => {
    expect(cacheVerdict(ROOT)).toBe('accepted');
  });
});
