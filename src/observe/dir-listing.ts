/**
 * A state directory's entries, listed at most once per read of a surface and shared. The event
 * cursor lists the directory when it looks for rotated logs (a first check, a rotation); that
 * listing also says which of the surface's files exist and which are symlinks (each entry's
 * type, from the directory itself: Node lstats an entry whose type the filesystem leaves
 * unknown), so the readers after it skip the stats they would make otherwise: four to five
 * syscalls a surface, ~5 ms of a first check over 200 surfaces. A listing is a snapshot, as
 * those stats were: a file created a moment after it is read at the next check.
 */
import { readdirSync } from 'node:fs';

export class DirListing {
  /** Name -> whether the entry is a symlink; or what readdir threw; null: not listed yet. */
  private listed: Map<string, boolean> | { error: unknown } | null = null;

  constructor(readonly dir: string) {}

  /** The entries (listing the directory the first time); throws what readdir throws. */
  entries(): Map<string, boolean> {
    if (this.listed === null) {
      try {
        const entries = new Map<string, boolean>();
        for (const e of readdirSync(this.dir, { withFileTypes: true })) entries.set(e.name, e.isSymbolicLink());
        this.listed = entries;
      } catch (error) {
        this.listed = { error };
      }
    }
    if (this.listed instanceof Map) return this.listed;
    throw this.listed.error;
  }

  /** The entries if the directory was listed already and could be; null otherwise. */
  ifListed(): Map<string, boolean> | null {
    return this.listed instanceof Map ? this.listed : null;
  }
}
