/**
 * A rollout's whole history as it is kept, byte for byte: what `rollgate store copy` carries
 * from one store to another. Each store kind reads and writes it (file-archive.ts,
 * postgres/archive.ts); the journal's text is copied as it is, so its hash chain is intact.
 */
export interface RolloutArchive {
  rollout: string;
  /** The state as stored (JSON text), null before the first check. */
  state: string | null;
  /** The journal's text: one record per line, each ending in a newline. */
  journal: string;
  /** Audit lines (JSON text, no newline), oldest first. */
  audit: string[];
  incidents: { check: number; createdMs: number; files: Map<string, Buffer> }[];
}

export interface ArchiveStore {
  /** For messages (the URL's password masked). */
  readonly location: string;
  /** Every rollout the store holds anything of. */
  rollouts(): Promise<string[]>;
  read(rollout: string): Promise<RolloutArchive>;
  /** Writes a rollout the store does not hold yet (73 when it cannot; 64 when it already holds it). */
  write(archive: RolloutArchive): Promise<void>;
  close(): Promise<void>;
}
