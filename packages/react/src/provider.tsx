import { createClassifierStore, type ClassifierOptions, type ClassifierStore } from '@ko-classify/core';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { createTaughtStore, type HeadSource, type TaughtStore } from './taught-store.js';

const StoreContext = createContext<{ store: ClassifierStore; locale: string | null; taught: TaughtStore | null } | null>(null);

export interface ClassifierProviderProps {
  /** Read once, when the provider mounts; give the provider a new `key` to load another model. */
  options?: ClassifierOptions;
  /**
   * Classify with a taught head over a sentence encoder (`options.model` then defaults to
   * `ko-sentence`): the head itself (`HeadJson`, e.g. a fetched head.json), the name it was saved
   * under in IndexedDB (`saveHead`, or `teach(…, { name, save: true })`), or `null` for none yet.
   * Any of them lets `useTeach()` below teach a new head, which the hooks then classify with.
   * Leave it out for a classifier model. Whether `head` is given (even `null`) is read at mount, like
   * `options`; its value may change after (a copy of the same HeadJson is not a change).
   */
  head?: HeadSource;
  /**
   * The locale labels are shown in by `<ClassificationLabel>` and `<ExplainedText>` below (e.g. `ko`).
   * Default: the page's `<html lang>` (read after mount, never on the server), else the model's
   * `info().defaultLocale`, else the label ids.
   */
  locale?: string;
  children?: ReactNode;
}

/**
 * Owns one classifier (one worker) for the components below it. The worker starts after mount —
 * never during server rendering — and survives StrictMode's mount/unmount/mount.
 *
 * @example
 * <ClassifierProvider options={{ model: 'ko-sentiment' }}>
 *   <ReviewBox />
 * </ClassifierProvider>
 * // Labels of your own: a head taught in the page (useTeach) or saved before.
 * <ClassifierProvider options={{ model: 'ko-sentence' }} head="my-labels">
 *   <TeachBox />
 * </ClassifierProvider>
 */
export function ClassifierProvider({ options, head, locale, children }: ClassifierProviderProps) {
  const [taught] = useState(() => (head === undefined ? null : createTaughtStore(options, head)));
  const [store] = useState<ClassifierStore>(() => taught ?? createClassifierStore(options));
  useEffect(() => store.acquire(), [store]);
  useEffect(() => taught?.setHead(head ?? null), [taught, head]);
  return <StoreContext.Provider value={{ store, locale: locale ?? null, taught }}>{children}</StoreContext.Provider>;
}

export function useStore(): ClassifierStore {
  const ctx = useContext(StoreContext);
  if (!ctx) throw new Error('ko-classify hooks must be used inside <ClassifierProvider>');
  return ctx.store;
}

/** The provider's taught store (it was given a `head`, even `null`). */
export function useTaughtStore(): TaughtStore {
  const ctx = useContext(StoreContext);
  if (!ctx?.taught) throw new Error('useTeach needs a <ClassifierProvider> given a head: <ClassifierProvider options={{ model: \'ko-sentence\' }} head={null}> (or a saved head\'s name)');
  return ctx.taught;
}

/** The provider's store and locale, or null outside one (for components that work without it). */
export function useProvided(): { store: ClassifierStore; locale: string | null } | null {
  return useContext(StoreContext);
}
