/** The providers a live check or action carries its decision out with: routing first, then the hooks. */
import type { Spec } from '../spec/types.js';
import { hooksProvider } from './hooks-provider.js';
import { openRouter } from './open-router.js';
import type { TrafficProvider } from './provider.js';
import { routingProvider } from './routing-provider.js';

/** Routing runs before the hooks: a rollback's canary weight is 0 before its rollback hooks run. */
export function trafficProviders(spec: Spec, root: string): TrafficProvider[] {
  const router = openRouter(spec, root);
  return router ? [routingProvider(router), hooksProvider] : [hooksProvider];
}

/** For dry runs (`status`, the dashboard): what routing reads, nothing else. */
export function inspectingProviders(spec: Spec, root: string): TrafficProvider[] {
  const router = openRouter(spec, root);
  return router ? [routingProvider(router)] : [];
}
