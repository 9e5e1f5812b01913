/**
 * A small Language Server Protocol client over stdio, for driving yaml-language-server in tests:
 * JSON-RPC 2.0 messages framed by `Content-Length` headers, requests with ids, notifications, and
 * answers to the server's own requests (`workspace/configuration` above all). Every wait is
 * bounded; a timeout fails with what the server wrote to stderr and its last log messages.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface Diagnostic { range: Range; message: string; severity?: number; code?: unknown; source?: string; data?: unknown }
export interface CompletionItem {
  label: string;
  kind?: number;
  detail?: string;
  insertText?: string;
  insertTextFormat?: number;
  textEdit?: { newText: string; range?: Range };
  documentation?: string | { kind: string; value: string };
}

export interface LspClientOptions {
  /** The server's argv after `node`, e.g. `[path/to/yaml-language-server, --stdio]`. */
  args: string[];
  cwd: string;
  /** Answers `workspace/configuration`: the settings of each section the server asks for. */
  configuration?: Record<string, unknown>;
  /** Default bound of every wait, in ms. */
  timeoutMs?: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Pids of a process's live descendants (Linux /proc; empty elsewhere). */
export function descendants(pid: number): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses: read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // gone while listing
    }
  }
  const out: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = [...parentOf].filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    out.push(...next);
    frontier = next;
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LspClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly timeoutMs: number;
  /** Everything the server wrote to stderr. */
  stderr = '';
  /** Every notification and request the server sent, in order (its requests are answered at once). */
  readonly received: Message[] = [];
  private configuration: Record<string, unknown>;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { method: string; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly waiters = new Set<{ test: (m: Message) => boolean; resolve: (m: Message) => void }>();
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(options: LspClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.configuration = options.configuration ?? {};
    this.child = spawn(process.execPath, options.args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => (this.stderr += text));
    // A server that died mid-write must not crash the test process with EPIPE.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        for (const [, p] of this.pending) p.reject(new Error(`the server exited (code ${code}, signal ${signal}) before answering ${p.method}${this.context()}`));
        this.pending.clear();
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Sets what later `workspace/configuration` requests are answered with. */
  configure(configuration: Record<string, unknown>): void {
    this.configuration = configuration;
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const id = this.nextId++;
    return this.bounded(`an answer to ${method}`, timeoutMs, new Promise<T>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.send({ jsonrpc: '2.0', id, method, params: params as Json });
    }), () => this.pending.delete(id));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params: params as Json });
  }

  /** The first message from the server (received from index `since` on, or still to come) that passes `test`. */
  waitFor(what: string, test: (m: Message) => boolean, since = 0, timeoutMs = this.timeoutMs): Promise<Message> {
    const seen = this.received.slice(since).find(test);
    if (seen) return Promise.resolve(seen);
    let waiter: { test: (m: Message) => boolean; resolve: (m: Message) => void } | undefined;
    return this.bounded(what, timeoutMs, new Promise<Message>((resolve) => {
      waiter = { test, resolve };
      this.waiters.add(waiter);
    }), () => waiter && this.waiters.delete(waiter));
  }

  /** The diagnostics of the next `textDocument/publishDiagnostics` for `uri` that passes `test`. */
  async diagnostics(uri: string, test: (d: Diagnostic[]) => boolean = () => true, since = 0, timeoutMs = this.timeoutMs): Promise<Diagnostic[]> {
    const m = await this.waitFor(`diagnostics for ${uri}`, (n) => n.method === 'textDocument/publishDiagnostics' &&
      (n.params as { uri: string }).uri === uri && test((n.params as { diagnostics: Diagnostic[] }).diagnostics), since, timeoutMs);
    return (m.params as { diagnostics: Diagnostic[] }).diagnostics;
  }

  /** `shutdown`, then `exit`, then waits for the process to end (killing it if it does not). */
  async close(timeoutMs = this.timeoutMs): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.exitInfo) return this.exitInfo;
    try {
      await this.request('shutdown', null, timeoutMs);
      this.notify('exit', null);
      return await this.bounded('the server to exit after `exit`', timeoutMs, this.exited);
    } finally {
      this.kill();
    }
  }

  /** Ends the server by its pid if it is still running (a failed test's cleanup). */
  kill(): void {
    if (!this.exitInfo && this.child.pid !== undefined) this.child.kill('SIGKILL');
  }

  async exitedWithin(timeoutMs = this.timeoutMs): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.bounded('the server to exit', timeoutMs, this.exited);
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) return;
      const headers = this.buffer.subarray(0, end).toString('ascii');
      const length = /^content-length:\s*(\d+)\s*$/im.exec(headers);
      if (!length) throw new Error(`a message without Content-Length: ${JSON.stringify(headers)}`);
      const start = end + HEADER_END.length;
      const size = Number(length[1]);
      if (this.buffer.length < start + size) return;
      const body = this.buffer.subarray(start, start + size).toString('utf8');
      this.buffer = this.buffer.subarray(start + size);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(m: Message): void {
    if (m.method !== undefined) {
      if (m.id !== undefined && m.id !== null) this.send({ jsonrpc: '2.0', id: m.id, result: this.answer(m.method, m.params) as Json });
      this.received.push(m);
      for (const w of [...this.waiters]) {
        if (w.test(m)) {
          this.waiters.delete(w);
          w.resolve(m);
        }
      }
    } else if (typeof m.id === 'number') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(`${p.method} failed: ${m.error.message}${this.context()}`));
      else p.resolve(m.result);
    }
  }

  /** The client's side of the server's requests. */
  private answer(method: string, params: unknown): unknown {
    if (method === 'workspace/configuration') {
      const items = (params as { items: { section?: string }[] }).items ?? [];
      return items.map((item) => (item.section !== undefined && item.section in this.configuration ? this.configuration[item.section] : null));
    }
    // client/registerCapability, window/workDoneProgress/create, workspace/codeLens/refresh …
    return null;
  }

  private bounded<T>(what: string, timeoutMs: number, promise: Promise<T>, onTimeout: () => void = () => {}): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${this.context()}`));
      }, timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private context(): string {
    const logs = this.received.filter((n) => n.method === 'window/logMessage' || n.method === 'window/showMessage')
      .slice(-10).map((n) => (n.params as { message: string }).message);
    return `\n--- server stderr ---\n${this.stderr.slice(-4000) || '(empty)'}` +
      (logs.length > 0 ? `\n--- last server log messages ---\n${logs.join('\n')}` : '') +
      (this.exitInfo ? `\n--- the server exited: code ${this.exitInfo.code}, signal ${this.exitInfo.signal}` : '');
  }
}
