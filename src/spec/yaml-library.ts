/**
 * The `yaml` library, loaded on first use. Plain documents take the fast path (yaml-fast.ts), so
 * a check or a `validate` of a valid spec never needs it, and a start-up does not pay for it.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/** Defined in the CommonJS bundle of the CLI, where esbuild turns `require('yaml')` into a lazy load. */
declare const require: NodeJS.Require | undefined;

let library: typeof Yaml | undefined;

export function yamlLibrary(): typeof Yaml {
  return (library ??= (typeof require === 'function' ? require('yaml') : createRequire(import.meta.url)('yaml')) as typeof Yaml);
}
