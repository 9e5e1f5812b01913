/**
 * node-postgres, loaded on first use: the `pg` package takes about 60 ms to load, which every
 * command on the file store (the default) would otherwise pay at start-up.
 */
import type pg from 'pg';

let loaded: Promise<typeof pg> | null = null;

export function driver(): Promise<typeof pg> {
  return (loaded ??= import('pg').then((m) => m.default));
}
