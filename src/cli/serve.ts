/** `rollgate serve <spec...> [--port 8787] [--host 127.0.0.1] [--allowed-host H]... [--token-file F] [--schedule]`. */
import { randomBytes } from 'node:crypto';
import { isoOf } from '../time/instant.js';
import type { AddressInfo } from 'node:net';
import { readUntrusted } from '../observe/untrusted-file.js';
import { safeLine } from '../report/escape.js';
import { runTickCheck } from '../runner/run-check.js';
import { previousTime } from '../time/cron-times.js';
import { openStore, watchStore } from '../store/open-store.js';
import { DEFAULT_SCHEDULE, scheduledRollout } from '../runner/scheduled-rollout.js';
import { realClock, Scheduler } from '../schedule/scheduler.js';
import { Dashboard } from '../server/dashboard.js';
import { HostAllowList, parseAllowedHost, type HostEntry } from '../server/host-check.js';
import { createDashboardServer } from '../server/http-server.js';
import { MAKE_TOKEN, tokenWeakness } from '../server/token-strength.js';
import type { Spec } from '../spec/types.js';
import { EXIT } from './exit-codes.js';
import { ExitError, loadSpecOrExit, placeOf, withExitCodes, type PlaceOptions } from './common.js';

export interface ServeCliOptions extends Omit<PlaceOptions, 'now'> {
  port: string;
  host: string;
  tokenFile?: string;
  /** Host names (optionally with :port) clients use to reach the server; repeatable. */
  allowedHost?: string[];
  schedule?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** After a signal, the longest a graceful stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 5_000;

export function runServe(specFiles: string[], options: ServeCliOptions): Promise<number> {
  return withExitCodes('serve', async () => {
    // Listening for signals from the start: a signal during start-up stops as cleanly as later.
    const signalled = new AbortController();
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) process.exit(EXIT.OK); // a second signal: now
      process.stderr.write(safeLine(`rollgate serve: ${signal}: stopping`) + '\n');
      // Whatever still runs (a scheduled check, a slow client), the process ends soon.
      setTimeout(() => {
        process.stderr.write(safeLine(`rollgate serve: not stopped after ${STOP_DEADLINE_MS / 1000} s; exiting`) + '\n');
        process.exit(EXIT.OK);
      }, STOP_DEADLINE_MS).unref();
      signalled.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      return await serve(specFiles, options, signalled.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

async function serve(specFiles: string[], options: ServeCliOptions, signalled: AbortSignal): Promise<number> {
  const { root, store } = placeOf(options);
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ExitError(`--port ${options.port}: give a port number (0 picks a free one)`, EXIT.USAGE);
  const loopback = LOOPBACK.has(options.host);
  const token = readToken(options.tokenFile, loopback, options.host);
  const hosts = allowedHosts(options.allowedHost ?? [], loopback, options.host, port);
  const specs: Spec[] = [];
  for (const file of specFiles) {
    const spec = loadSpecOrExit(file);
    if (specs.some((s) => s.name === spec.name)) throw new ExitError(`${file}: rollout \`${spec.name}\` is served twice`, EXIT.USAGE);
    specs.push(spec);
  }

  // A --store this build cannot open stops here (64), not at the first refresh.
  for (const s of specs) openStore(store, s.name);
  const dashboard = new Dashboard(specs, { root, store });
  await dashboard.rebuild();
  const serveOptions = { token: token.value, root, store, allowedHosts: hosts };
  const server = createDashboardServer(dashboard, serveOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ExitError(`cannot listen on ${options.host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (pick another with --port)' : err.message}`, EXIT.USAGE)));
    server.listen(port, options.host, resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  // Only loopback names with this port and the --allowed-host names are answered, on every
  // endpoint: a DNS-rebinding page cannot read the dashboard.
  hosts.port = actual;
  dashboard.start();
  // A shared store tells of checks made by other hosts as they commit (files are polled instead).
  const served = new Set(specs.map((s) => s.name));
  const unwatch = await watchStore(store, (rollout) => {
    if (served.has(rollout)) void dashboard.rebuild();
  }, (line) => process.stderr.write(safeLine(`rollgate serve: ${line}`) + '\n'));
  const base = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${actual}/`;
  process.stderr.write(safeLine(`rollgate serve: listening on ${base} (${specs.map((s) => s.name).join(', ')})`) + '\n');
  process.stderr.write(safeLine(token.generated ? `rollgate serve: actions need a token; open ${base}#token=${token.value}` : `rollgate serve: actions need the token in ${options.tokenFile}`) + '\n');

  const stop = new AbortController();
  let scheduled: Promise<void> = Promise.resolve();
  if (options.schedule) {
    const byName = new Map(specs.map((s) => [s.name, s]));
    const scheduler = new Scheduler(
      await Promise.all(specs.map((s) => scheduledRollout(s, store))),
      async (name, nowMs) => {
        const spec = byName.get(name)!;
        const done = await runTickCheck(spec, { root, store, nowMs }, previousTime(spec.schedule ?? DEFAULT_SCHEDULE, nowMs) ?? Number.NEGATIVE_INFINITY);
        if ('skipped' in done) {
          process.stderr.write(safeLine(`rollgate serve: ${name}: skipped: ${done.skipped}`) + '\n');
          return 0;
        }
        const { record } = done;
        process.stderr.write(safeLine(`${isoOf(nowMs)} ${name} check ${record.check}: ${record.decision} ${record.phase.name} (${record.phase.traffic}%)`) + '\n');
        await dashboard.rebuild();
        return 0;
      },
      realClock,
      (line) => process.stderr.write(safeLine(`rollgate serve: ${line}`) + '\n'),
    );
    scheduled = scheduler.run(stop.signal);
  }
  if (!signalled.aborted) await new Promise((resolve) => signalled.addEventListener('abort', resolve, { once: true }));
  // Stop: no new checks, no more polling, streams ended, the listener and every connection closed.
  stop.abort();
  dashboard.stop();
  await unwatch?.();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await Promise.all([closed, scheduled]);
  return EXIT.OK;
}

function readToken(file: string | undefined, loopback: boolean, host: string): { value: string; generated: boolean } {
  if (!file) {
    if (!loopback) throw new ExitError(`--host ${host} listens beyond this machine: give --token-file with a random token of at least 128 bits; make one with \`openssl rand -hex 32 > token-file\``, EXIT.USAGE);
    return { value: randomBytes(24).toString('hex'), generated: true };
  }
  // Non-blocking: a FIFO given by mistake is refused, not waited on.
  const read = readUntrusted(file, 64 * 1024);
  if (!read.ok) throw new ExitError(`--token-file ${file}: ${read.missing ? 'no such file' : read.reason}`, read.missing ? EXIT.MISSING : EXIT.USAGE);
  const value = read.bytes.toString('utf8').trim();
  const weakness = tokenWeakness(value);
  if (weakness) throw new ExitError(`--token-file ${file}: the token is too easy to guess: ${weakness}. Make a random one with ${MAKE_TOKEN}, written to the file`, EXIT.USAGE);
  return { value, generated: false };
}

/** The Host headers answered; beyond loopback, at least one --allowed-host is required. */
function allowedHosts(given: string[], loopback: boolean, host: string, port: number): HostAllowList {
  const entries: HostEntry[] = [];
  for (const text of given) {
    const entry = parseAllowedHost(text);
    if (typeof entry === 'string') throw new ExitError(entry, EXIT.USAGE);
    entries.push(entry);
  }
  if (!loopback && entries.length === 0) {
    throw new ExitError(`--host ${host} listens beyond this machine: give --allowed-host <name> for each name clients use to reach it (e.g. --allowed-host rollgate.example.com${port ? ` or --allowed-host rollgate.example.com:${port}` : ''}); requests carrying any other Host header are refused, so a DNS-rebinding page cannot read the dashboard`, EXIT.USAGE);
  }
  return new HostAllowList(entries);
}
