/**
 * The page's ES modules: every module web/app.js imports (transitively) is served as JavaScript,
 * exactly as it is on disk, and nothing outside the fixed list is (no path ever reads a file).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { serveSamples, type Served } from './helpers.js';

const WEB = join(ROOT, 'web');

let s: Served;
beforeAll(async () => {
  s = await serveSamples();
});
afterAll(() => s.close());

/** The relative specifiers of a module's static imports (`import ... from './x.js'`, `import './x.js'`). */
function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*import\s+(?:[^'";]*?\s+from\s+)?['"](\.\/[^'"]+)['"]/gm)].map((m) => m[1]!.slice(2));
}

/** Every module reachable from web/app.js on disk, the entry first. */
function moduleGraph(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of importsOf(readFileSync(join(WEB, file), 'utf8'))) visit(dep);
  };
  visit('app.js');
  return [...seen];
}

/** A GET with the path sent byte for byte (fetch would normalize `/../`). */
function rawGet(path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const { hostname, port } = new URL(s.base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the page modules', () => {
  it('the page loads app.js as a module', () => {
    expect(readFileSync(join(WEB, 'index.html'), 'utf8')).toContain('<script type="module" src="/app.js"></script>');
  });

  it('the import graph is found (the parser sees the imports)', () => {
    const graph = moduleGraph();
    expect(graph[0]).toBe('app.js');
    expect(graph).toEqual(expect.arrayContaining(['dom.js', 'format.js', 'state.js', 'live.js', 'actions.js', 'history-chart.js']));
  });

  it('every module app.js imports, transitively, is served with 200, a JavaScript type and its file as it is', async () => {
    for (const file of moduleGraph()) {
      const res = await fetch(`${s.base}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toMatch(/^text\/javascript\b/);
      expect(res.headers.get('content-security-policy'), file).toContain("script-src 'self'");
      expect(await res.text(), file).toBe(readFileSync(join(WEB, file), 'utf8'));
    }
  });

  it('every .js file in web/ is reachable from app.js (none left out of the graph)', () => {
    const onDisk = readdirSync(WEB).filter((f) => f.endsWith('.js')).sort();
    expect(moduleGraph().sort()).toEqual(onDisk);
  });

  it('paths outside the list are 404 JSON, never a file', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/package.json', '/dom.js.map', '/web/app.js', '/app.js/', '/app.js/../../package.json', '/index.html', '/src/server/http-server.ts']) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(404);
      expect(res.type, path).toBe('application/json; charset=utf-8');
      expect(res.body, path).not.toContain('"name": "rollgate"');
    }
  });
});
