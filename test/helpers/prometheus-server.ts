/**
 * A real Prometheus for the metric tests, started from Debian's binaries (/usr/bin/prometheus,
 * /usr/bin/promtool), never a mock. Two modes:
 *
 * - **fixture** (`startPrometheus({ series })`): the series and their samples, with explicit
 *   timestamps, are written as OpenMetrics text and loaded with `promtool tsdb
 *   create-blocks-from openmetrics`; Prometheus then serves them with no scrape at all, so an
 *   instant query at a fixed `time=` answers the same on every run.
 * - **scrape** (`startPrometheus({ scrape: [target] })`): Prometheus scrapes targets (e.g. a
 *   `startExporter()`) every second, for the one test that checks a live series.
 *
 * Each server has its own temporary directory (rollgate-promsrv-XXXXXX: config, data, log) and
 * port on 127.0.0.1. A test file stops its servers in afterAll (`close()`); a run killed before
 * that leaves servers that the next run reaps (their `owner` process is gone). Prometheus runs
 * as root without complaint, so there is no user switch (unlike PostgreSQL). It makes no
 * outbound connection of its own: no remote write, no alertmanager, no service discovery.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres-server.js';
import { reapStaleDaemons, startDaemon, stopDaemon } from './daemon.js';

export const NOT_INSTALLED =
  'Prometheus is not installed: run `apt-get install -y --no-install-recommends prometheus` (Debian) so the metric tests can start their own server from /usr/bin/prometheus and /usr/bin/promtool';

const HOST = '127.0.0.1';
const TEMP_PREFIX = 'rollgate-promsrv-';
const PID_FILE = 'prometheus.pid';

export type SampleValue = number | 'NaN' | '+Inf' | '-Inf';

export interface FixtureSeries {
  /** The metric name, e.g. `queue_depth` or `http_requests_total`. */
  name: string;
  labels?: Record<string, string>;
  /** `[unix seconds, value]`, in any order. */
  samples: ReadonlyArray<readonly [number, SampleValue]>;
}

export type PrometheusOptions = { series: readonly FixtureSeries[] } | { scrape: readonly string[]; intervalSeconds?: number };

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  address: string;
  port: number;
  /** The temporary directory (config, `data/`, `server.log`). */
  dir: string;
  /** SIGTERM and wait: connections are refused until start(). */
  stop(): Promise<void>;
  /** Same port, same data, same config; resolves once /-/ready answers 200. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** The binaries, or throws NOT_INSTALLED. */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  const prometheus = '/usr/bin/prometheus';
  const promtool = '/usr/bin/promtool';
  if (!existsSync(prometheus) || !existsSync(promtool)) throw new Error(NOT_INSTALLED);
  return { prometheus, promtool };
}

/** OpenMetrics text for the fixture: one `unknown`-typed family per name, samples in time order, `# EOF`. */
export function openMetricsText(series: readonly FixtureSeries[]): string {
  const families = new Map<string, FixtureSeries[]>();
  for (const s of series) families.set(s.name, [...(families.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, members] of families) {
    lines.push(`# TYPE ${name} unknown`);
    for (const s of members) {
      const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
      const id = labels.length ? `${name}{${labels.join(',')}}` : name;
      for (const [t, v] of [...s.samples].sort((a, b) => a[0] - b[0])) lines.push(`${id} ${v} ${t}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

function configText(options: PrometheusOptions): string {
  if (!('scrape' in options)) return 'global: {}\n';
  const interval = `${options.intervalSeconds ?? 1}s`;
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    'scrape_configs:',
    '  - job_name: exporter',
    '    static_configs:',
    `      - targets: [${options.scrape.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
}

function run(file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message.split('\n')[0]}\n${stderr}${stdout}`));
      else resolve();
    });
  });
}

let reaped = false;

/** Starts a Prometheus in a fresh directory; the caller closes it (afterAll). */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const bins = prometheusBinaries();
  if (!reaped) {
    reaped = true;
    reapStaleDaemons(TEMP_PREFIX, PID_FILE);
  }
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  const dataDir = join(dir, 'data');
  try {
    writeFileSync(join(dir, 'owner'), `${process.pid} ${hostname()}\n`);
    writeFileSync(join(dir, 'prometheus.yml'), configText(options));
    if ('series' in options) {
      writeFileSync(join(dir, 'fixture.om'), openMetricsText(options.series));
      await run(bins.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'fixture.om'), dataDir], dir);
    }
    // The free port may be taken between the probe and the bind: try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const args = [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${dataDir}`,
        // The fixture's samples are months old (or in the future): keep every block.
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=${HOST}:${port}`,
        '--web.console.templates=',
        '--web.console.libraries=',
      ];
      const spawnIt = () => spawnPrometheus(bins.prometheus, args, dir);
      try {
        await spawnIt();
      } catch (err) {
        if (attempt < 5 && /address already in use/i.test((err as Error).message)) continue;
        throw err;
      }
      let closed = false;
      return {
        address: `http://${HOST}:${port}`,
        port,
        dir,
        stop: () => stopPrometheus(dir),
        start: () => spawnIt(),
        close: async () => {
          if (closed) return;
          closed = true;
          await stopPrometheus(dir);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (err) {
    await stopPrometheus(dir);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Starts Prometheus (a daemon of daemon.ts) and waits until /-/ready answers 200. */
function spawnPrometheus(bin: string, args: string[], dir: string): Promise<void> {
  const port = Number(/--web\.listen-address=[^:]+:(\d+)/.exec(args.join(' '))![1]);
  return startDaemon(dir, PID_FILE, bin, args, async () => (await readyStatus(port)) === 200, 30_000);
}

function readyStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: HOST, port, path: '/-/ready', agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

function stopPrometheus(dir: string): Promise<void> {
  return stopDaemon(dir, 'SIGTERM');
}

export interface Exporter {
  /** `127.0.0.1:<port>`, a scrape target. */
  target: string;
  /** What `/metrics` serves from now on (Prometheus text format). */
  set(text: string): void;
  /** Scrapes answered so far. */
  readonly scrapes: number;
  close(): Promise<void>;
}

/** A tiny exporter: `/metrics` answers the text last `set()`. */
export async function startExporter(text: string): Promise<Exporter> {
  let body = text;
  let scrapes = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    target: `${HOST}:${port}`,
    set: (t) => (body = t),
    get scrapes() {
      return scrapes;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
