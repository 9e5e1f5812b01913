/**
 * Server-Sent Events to many dashboard clients. A client that stops reading is dropped once
 * its unsent backlog passes a limit, so it never holds memory or slows the others; the number
 * of open streams is bounded; a comment line every few seconds keeps proxies from closing idle ones.
 */
import type { ServerResponse } from 'node:http';

export const MAX_STREAMS = 512;
/** Unsent bytes a client may fall behind before it is dropped. */
export const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly maxStreams = MAX_STREAMS,
    heartbeatMs = HEARTBEAT_MS,
    private readonly maxBacklogBytes = MAX_BACKLOG_BYTES,
  ) {
    this.heartbeat = setInterval(() => this.broadcastRaw(': heartbeat\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Opens a stream, or false when too many are open (the caller answers 503). */
  open(res: ServerResponse, first: string[]): boolean {
    if (this.clients.size >= this.maxStreams) return false;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    for (const e of first) res.write(e);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    return true;
  }

  broadcast(event: string, id: number, data: unknown): void {
    this.broadcastRaw(frame(event, id, data));
  }

  private broadcastRaw(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > this.maxBacklogBytes) {
        // It stopped reading: drop it rather than buffer without end.
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

/** One SSE event; the data is JSON on one line. */
export function frame(event: string, id: number, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
