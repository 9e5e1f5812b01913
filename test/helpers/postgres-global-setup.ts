/**
 * vitest.config.ts `globalSetup`: one real PostgreSQL server for the whole run (see
 * postgres-server.ts), provided to the tests as `inject('postgres')`; stopped and removed in the
 * teardown. Not in vitest.fast.config.ts: `npm run test:fast` starts no server.
 */
import type { TestProject } from 'vitest/node';
import { destroyServer, destroyServerSync, launchServer, reapStaleServers } from './postgres-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  reapStaleServers();
  const started = Date.now();
  const server = await launchServer('shared');
  if (process.env.ROLLGATE_PG_VERBOSE) {
    process.stderr.write(`postgres: ${server.binDir} on ${server.host}:${server.port} (${server.runAs ?? 'same user'}), ready in ${Date.now() - started} ms\n`);
  }
  let stopped = false;
  // If vitest exits without running the teardown (an error, a signal it handles), still stop it.
  const onExit = () => {
    if (!stopped) destroyServerSync(server);
  };
  process.once('exit', onExit);
  project.provide('postgres', server);
  return async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    await destroyServer(server);
  };
}
