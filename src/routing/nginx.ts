/**
 * `routing.nginx`: the canary's share as an include file rollgate renders (http context), tested
 * with `test` (default `nginx -t`) and loaded with `reload`. Two forms:
 *
 * - weights: `upstream <upstream>` with both servers and `weight=<percent>`; nginx refuses
 *   weight=0, so a side at 0% is written `down` (the other side is then at 100%, so the upstream
 *   always has a usable server). A share with decimals is written scaled (2.5% → 25 and 975).
 * - split_clients: `<upstream>_stable` and `<upstream>_canary`, and a `split_clients` block that
 *   sends the canary's percentage of keys (sticky: a key always lands on the same side) to the
 *   canary; 0% has only `* <upstream>_stable;`, 100% only `* <upstream>_canary;`.
 *
 * The first line is a marker naming the rollout and the split; the content is deterministic (no
 * timestamp), so `read` can tell whether the file is exactly what this spec writes for that split.
 * `read` answers null (unknown: the next check sets it) when the file is missing, has no marker,
 * or differs from that rendering (a hand edit, a changed spec, a set interrupted before its
 * reload); it answers an error when the file cannot be read or belongs to another rollout.
 *
 * `set` writes the file with a "being tested and reloaded" marker (temp file and rename), runs
 * `test`, then `reload`, and only then writes the final marker: a rollgate killed between the
 * write and the reload leaves a file `read` does not trust, so the next check reloads again.
 * A failed test or reload puts the previous file back byte for byte (or removes it if there was
 * none) and says so, with nginx's own message.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { runArgv, type ArgvRun } from '../hooks/run-command.js';
import { resolveIn } from '../observe/paths.js';
import { readUntrusted } from '../observe/untrusted-file.js';
import type { RoutingSpec } from '../spec/types.js';
import { fsyncDir, writeAll } from '../store/atomic-file.js';
import type { Router, RouterResult, Weights } from './router.js';

type NginxSpec = Extract<RoutingSpec, { provider: 'nginx' }>;

/** An include file rollgate wrote is a few hundred bytes; a huge file there is not ours. */
const MAX_INCLUDE_BYTES = 1024 * 1024;
/** nginx's own message: the lines that say what is wrong, at most this many. */
const MESSAGE_LINES = 3;
const MARKER_TAIL = '(written by rollgate; edits are overwritten)';
const PENDING = ', being tested and reloaded';
const MARKER = /^# rollgate routing for rollout (.*?): canary=(\d+(?:\.\d+)?) stable=(\d+(?:\.\d+)?)(, being tested and reloaded)? \(written by rollgate; edits are overwritten\)$/;

export function nginxRouter(spec: NginxSpec, root: string, rollout: string): Router {
  const path = resolveIn(root, spec.include);
  const target = `nginx include ${spec.include} (upstream ${spec.upstream})`;

  /** The file as it is, null when there is none, or why it cannot be read. */
  function current(): RouterResult<Buffer | null> {
    const r = readUntrusted(path, MAX_INCLUDE_BYTES, spec.include);
    if (r.ok) return { ok: true, value: r.bytes };
    if (r.missing) return { ok: true, value: null };
    return { ok: false, error: `${target}: ${r.reason}` };
  }

  /** Refuses a file another rollout wrote: two rollouts setting one upstream would undo each other. */
  function foreign(bytes: Buffer): string | null {
    const m = MARKER.exec(firstLine(bytes));
    if (!m || m[1] === markerName(rollout)) return null;
    return `${target} was written for rollout \`${m[1]}\`, not \`${rollout}\`: give each rollout its own include file (or remove this one if that rollout is gone)`;
  }

  async function read(): Promise<RouterResult<Weights | null>> {
    const file = current();
    if (!file.ok) return file;
    if (file.value === null) return { ok: true, value: null };
    const other = foreign(file.value);
    if (other) return { ok: false, error: other };
    const m = MARKER.exec(firstLine(file.value));
    if (!m || m[4] !== undefined) return { ok: true, value: null };
    const weights = { canary: Number(m[2]), stable: Number(m[3]) };
    if (typeof checkWeights(weights) === 'string') return { ok: true, value: null };
    const expected = renderInclude(spec, rollout, weights);
    return { ok: true, value: file.value.equals(Buffer.from(expected)) ? weights : null };
  }

  async function set(weights: Weights): Promise<RouterResult<void>> {
    const invalid = checkWeights(weights) ?? checkNames(spec);
    if (invalid) return { ok: false, error: `${target}: ${invalid}` };
    const before = current();
    if (!before.ok) return { ok: false, error: `${before.error}; it was left as it is` };
    const previous = before.value;
    const other = previous && foreign(previous);
    if (other) return { ok: false, error: other };

    const written = replaceFile(path, Buffer.from(renderInclude(spec, rollout, weights, true)), spec.include);
    if (written) return { ok: false, error: `${target}: ${written}` };
    const restore = (): string => {
      const failed = previous === null ? removeFile(path) : replaceFile(path, previous, spec.include);
      if (failed) return `; putting the previous file back failed too (${failed}): fix ${spec.include} by hand`;
      return previous === null ? `; ${spec.include} is removed again (there was none before)` : `; the previous ${spec.include} is back in place`;
    };

    const opts = { cwd: root, env: {}, timeoutMs: spec.timeoutMs };
    const tested = await runArgv(spec.test, opts);
    if (!tested.ok) return { ok: false, error: `${target}: \`${spec.test.join(' ')}\` failed with the new file: ${nginxMessage(tested)}${restore()}` };
    const reloaded = await runArgv(spec.reload, opts);
    if (!reloaded.ok) {
      return { ok: false, error: `${target}: the new file passed \`${spec.test.join(' ')}\` but \`${spec.reload.join(' ')}\` failed: ${nginxMessage(reloaded)}${restore()}; nginx may not have loaded either file, so check that it is running` };
    }
    // In effect now. Should this final write fail, `read` answers null and the next check sets
    // the weights again: the marker only ever claims what was reloaded.
    replaceFile(path, Buffer.from(renderInclude(spec, rollout, weights)), spec.include);
    return { ok: true, value: undefined };
  }

  return { provider: 'nginx', target, read, set };
}

/** The include file for `weights`; `pending` marks it as not yet reloaded. */
export function renderInclude(spec: NginxSpec, rollout: string, weights: Weights, pending = false): string {
  const lines = [`# rollgate routing for rollout ${markerName(rollout)}: canary=${percent(weights.canary)} stable=${percent(weights.stable)}${pending ? PENDING : ''} ${MARKER_TAIL}`];
  if (spec.splitClients === null) {
    const scale = [1, 10, 100].find((s) => isWhole(weights.canary * s) && isWhole(weights.stable * s)) ?? 100;
    const server = (address: string, share: number) => `    server ${address} ${share === 0 ? 'down' : `weight=${Math.round(share * scale)}`};`;
    lines.push(`upstream ${spec.upstream} {`, server(spec.stable, weights.stable), server(spec.canary, weights.canary), '}');
  } else {
    const stable = `${spec.upstream}_stable`;
    const canary = `${spec.upstream}_canary`;
    lines.push(`upstream ${stable} {`, `    server ${spec.stable};`, '}', `upstream ${canary} {`, `    server ${spec.canary};`, '}');
    lines.push(`split_clients "${spec.splitClients.key}" ${spec.splitClients.variable} {`);
    if (weights.canary >= 100) lines.push(`    * ${canary};`);
    else {
      if (weights.canary > 0) lines.push(`    ${percent(weights.canary)}% ${canary};`);
      lines.push(`    * ${stable};`);
    }
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}

const isWhole = (n: number) => Math.abs(n - Math.round(n)) < 1e-9;
/** Two decimals at most (split_clients' limit), without float noise: 95.65, not 95.65000000000001. */
const percent = (n: number) => String(Math.round(n * 100) / 100);
/** The rollout's name on one line (the marker is a comment: a newline would end it). */
const markerName = (rollout: string) => rollout.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, '?');

/** Why `weights` cannot be written, or null. */
function checkWeights(w: Weights): string | null {
  const valid = (n: number) => Number.isFinite(n) && n >= 0 && n <= 100 && isWhole(n * 100);
  if (!valid(w.canary) || !valid(w.stable)) return `canary ${w.canary}% / stable ${w.stable}% cannot be written: nginx takes percentages from 0 to 100 with at most two decimals`;
  if (!isWhole((w.canary + w.stable) * 100) || Math.round((w.canary + w.stable) * 100) !== 10_000) return `canary ${w.canary}% / stable ${w.stable}% is not a split of 100%`;
  return null;
}

/** What would let a value change the file's structure (the schema refuses these too). */
function checkNames(spec: NginxSpec): string | null {
  const values: Array<[string, string]> = [['upstream', spec.upstream], ['stable', spec.stable], ['canary', spec.canary]];
  if (spec.splitClients) values.push(['splitClients.key', spec.splitClients.key], ['splitClients.variable', spec.splitClients.variable]);
  for (const [name, value] of values) {
    if (/[;{}"#\p{Cc}]/u.test(value) || value.trim() === '') return `\`routing.nginx.${name}\` (${JSON.stringify(value)}) cannot go into an nginx file: it must not be empty or hold \`;\`, braces, quotes, \`#\` or control characters`;
  }
  return null;
}

function firstLine(bytes: Buffer): string {
  const end = bytes.indexOf(0x0a);
  return bytes.subarray(0, end < 0 ? Math.min(bytes.length, 4096) : Math.min(end, 4096)).toString('utf8');
}

/**
 * The lines of nginx's stderr that say what is wrong (`[emerg] invalid port in upstream … in
 * /etc/nginx/rollgate.conf:3`), without their timestamp and pid, control characters escaped;
 * the command's own outcome when it printed none.
 */
export function nginxMessage(run: ArgvRun): string {
  const lines = run.stderr.split('\n').map((l) => l.trim()).filter(Boolean)
    .map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d (\[\w+\]) \d+#\d+: (?:\*\d+ )?/, '$1 ').replace(/^nginx: (\[\w+\])/, '$1'));
  const serious = lines.filter((l) => /^\[(emerg|alert|crit|error)\]/.test(l));
  const chosen = (serious.length ? serious : lines).slice(-MESSAGE_LINES);
  const outcome = run.message.replace(/:.*$/s, '');
  const text = chosen.length ? `${chosen.join(' | ')} (${outcome})` : run.message;
  return escapeControls(text.length > 600 ? `${text.slice(0, 599)}…` : text);
}

const escapeControls = (s: string) => s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);

/** Writes `bytes` to `path` by temp file, fsync and rename; the reason it could not, or null. */
function replaceFile(path: string, bytes: Buffer, name: string): string | null {
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    fsyncDir(dirname(path));
    return null;
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    return writeReason(err, name);
  }
}

function removeFile(path: string): string | null {
  try {
    unlinkSync(path);
    fsyncDir(dirname(path));
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : writeReason(err, 'the file');
  }
}

function writeReason(err: unknown, name: string): string {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return `cannot write ${name}: its folder does not exist (${code})`;
    case 'EACCES':
    case 'EPERM':
      return `cannot write ${name}: permission denied (${code}); rollgate needs write access to its folder`;
    case 'EISDIR':
      return `cannot write ${name}: it is a directory`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `cannot write ${name}: no space left (${code})`;
    case 'EROFS':
      return `cannot write ${name}: read-only filesystem`;
    default:
      return `cannot write ${name} (${code})`;
  }
}
