/** The router of a spec's `routing:` block, or null when the spec has none (only hooks move traffic). */
import type { Spec } from '../spec/types.js';
import { commandRouter } from './command-router.js';
import { haproxyRouter } from './haproxy.js';
import { nginxRouter } from './nginx.js';
import type { Router } from './router.js';

/** `root`: what the spec's relative paths (sockets, include files, programs) are relative to. */
export function openRouter(spec: Spec, root: string): Router | null {
  const routing = spec.routing;
  if (routing === null) return null;
  switch (routing.provider) {
    case 'haproxy':
      return haproxyRouter(routing, root);
    case 'nginx':
      return nginxRouter(routing, root, spec.name);
    case 'command':
      return commandRouter(routing, root);
  }
}
