/**
 * Where the loader reads a model's files from: one interface, two sources — HTTP + the IndexedDB
 * cache in the browser (`ModelSource`), a directory on disk in Node (`node/disk-files.ts`). Both
 * check every file against the model's `manifest.json` where it has one.
 */
export interface ModelFiles {
  /** The revision this load reads (pinned, the manifest's, or `main`); known after `init()`. */
  readonly revision: string;
  /** Where each file read so far came from. */
  readonly sources: Readonly<Record<string, 'network' | 'cache' | 'disk'>>;
  /** Reads the manifest (if any); the first thing a load does. */
  init(): Promise<void>;
  /** Files the manifest lists (or the directory holds), or null when that cannot be known up front. */
  files(): string[] | null;
  /** Declares the files this load will read, so progress can report a total. */
  plan(files: readonly string[]): void;
  bytes(file: string): Promise<Uint8Array>;
  json(file: string): Promise<unknown>;
  /** Which of `files` can be read without the network (no manifest: the cache's keys). */
  cachedAmong(files: readonly string[]): Promise<Set<string>>;
  /** After a failed read of a new revision: switch to the one that loaded last; false if none. */
  fallBack(reason: string): Promise<boolean>;
  /** After a completed load (cache bookkeeping). */
  complete(keepOldRevisions: boolean): Promise<void>;
}
