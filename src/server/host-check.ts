/**
 * Which `Host` headers the server answers (DNS rebinding: a page on evil.example that resolves
 * its name to this server's address sends `Host: evil.example`). Loopback names with the bound
 * port are always allowed (a browser sends them only to a page the user opened on this machine);
 * anything else must be named with `--allowed-host`, with or without a port.
 */

export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface HostEntry {
  /** Lower-case name; IPv6 literals in brackets. */
  name: string;
  /** Null: any port (or none, as behind a reverse proxy on 80/443). */
  port: number | null;
}

/** `name` or `name:port` (IPv6 as `[::1]:8787`), or a sentence saying what is wrong. */
export function parseAllowedHost(text: string): HostEntry | string {
  const t = text.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/.exec(t);
  if (!m) return `--allowed-host ${JSON.stringify(text)}: give a host name as clients type it, optionally with :port (e.g. rollgate.example.com or rollgate.example.com:8787); no scheme, path or wildcard`;
  const port = m[3] === undefined ? null : Number(m[3]);
  if (port !== null && (port < 1 || port > 65535)) return `--allowed-host ${text}: the port must be 1 to 65535`;
  return { name: m[1]!, port };
}

export class HostAllowList {
  /** The bound port, set once the server listens; until then nothing is allowed. */
  port: number | null = null;

  constructor(private readonly entries: HostEntry[]) {}

  allows(header: string | undefined): boolean {
    if (this.port === null || !header) return false;
    const h = header.trim().toLowerCase();
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(h);
    if (!m) return false;
    const name = m[1]!.replace(/\.$/, '');
    const port = m[2] === undefined ? null : Number(m[2]);
    if (LOOPBACK_NAMES.includes(name) && port === this.port) return true;
    return this.entries.some((e) => e.name === name && (e.port === null || e.port === port));
  }

  describe(): string {
    const names = [...LOOPBACK_NAMES.map((n) => `${n}:${this.port ?? '<port>'}`), ...this.entries.map((e) => (e.port === null ? e.name : `${e.name}:${e.port}`))];
    return names.join(', ');
  }
}
