/** Locations of the JSON Schemas shipped with the package. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `schemas/` at the package root (dist/spec/ and src/spec/ are both two levels below it). */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_DIR + name, 'utf8')) as Record<string, unknown>;
}
