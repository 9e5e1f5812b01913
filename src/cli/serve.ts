/** `rollgate serve <spec...> [--port 8787] [--host 127.0.0.1] [--token-file F] [--schedule]`. */
import { randomBytes } from 'node:crypto';
import { isoOf } from '../report/instant.js';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { runCheck } from '../runner/run-check.js';
import { scheduledRollout } from '../runner/scheduled-rollout.js';
import { realClock, Scheduler } from '../schedule/scheduler.js';
import { Dashboard } from '../server/dashboard.js';
import { createDashboardServer } from '../server/http-server.js';
import type { Spec } from '../spec/types.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface ServeCliOptions extends Omit<PlaceOptions, 'now'> {
  port: string;
  host: string;
  tokenFile?: string;
  schedule?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const MIN_TOKEN = 16;

export function runServe(specFiles: string[], options: ServeCliOptions): Promise<number> {
  return withExitCodes('serve', async () => {
    const { root, store } = placeOf(options);
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ExitError(`--port ${options.port}: give a port number (0 picks a free one)`, EXIT.USAGE);
    const loopback = LOOPBACK.has(options.host);
    const token = readToken(options.tokenFile, loopback, options.host);
    const specs: Spec[] = [];
    for (const file of specFiles) {
      const spec = loadSpecOrExit(file);
      if (specs.some((s) => s.name === spec.name)) throw new ExitError(`${file}: rollout \`${spec.name}\` is served twice`, EXIT.USAGE);
      specs.push(spec);
    }

    const dashboard = new Dashboard(specs, { root, store });
    const serveOptions = { token: token.value, root, store, allowedHosts: null as Set<string> | null };
    const server = createDashboardServer(dashboard, serveOptions);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new ExitError(`cannot listen on ${options.host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (pick another with --port)' : err.message}`, EXIT.USAGE)));
      server.listen(port, options.host, resolve);
    });
    const actual = (server.address() as AddressInfo).port;
    // On loopback, only loopback names are answered: a DNS-rebinding page cannot reach us.
    if (loopback) serveOptions.allowedHosts = new Set(['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${actual}`));
    dashboard.start();
    const base = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${actual}/`;
    process.stderr.write(`rollgate serve: listening on ${base} (${specs.map((s) => s.name).join(', ')})\n`);
    process.stderr.write(token.generated ? `rollgate serve: actions need a token; open ${base}#token=${token.value}\n` : `rollgate serve: actions need the token in ${options.tokenFile}\n`);

    const stop = new AbortController();
    let scheduled: Promise<void> = Promise.resolve();
    if (options.schedule) {
      const byName = new Map(specs.map((s) => [s.name, s]));
      const scheduler = new Scheduler(
        specs.map((s) => scheduledRollout(s, store)),
        async (name, nowMs) => {
          const { record } = await runCheck(byName.get(name)!, { root, store, nowMs, dryRun: false });
          process.stderr.write(`${isoOf(nowMs)} ${name} check ${record.check}: ${record.decision} ${record.phase.name} (${record.phase.traffic}%)\n`);
          dashboard.rebuild();
          return 0;
        },
        realClock,
        (line) => process.stderr.write(`rollgate serve: ${line}\n`),
      );
      scheduled = scheduler.run(stop.signal);
    }
    await new Promise<void>((resolve) => {
      const onSignal = () => {
        process.stderr.write('rollgate serve: stopping\n');
        stop.abort();
        dashboard.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    await scheduled;
    return EXIT.OK;
  });
}

function readToken(file: string | undefined, loopback: boolean, host: string): { value: string; generated: boolean } {
  if (!file) {
    if (!loopback) throw new ExitError(`--host ${host} listens beyond this machine: give --token-file with a secret of at least ${MIN_TOKEN} characters`, EXIT.USAGE);
    return { value: randomBytes(24).toString('hex'), generated: true };
  }
  let value: string;
  try {
    value = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ExitError(`--token-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, EXIT.MISSING);
  }
  if (value.length < MIN_TOKEN) throw new ExitError(`--token-file ${file}: the token is ${value.length} characters; use at least ${MIN_TOKEN} (e.g. \`openssl rand -hex 24 > ${file}\`)`, EXIT.USAGE);
  return { value, generated: false };
}
