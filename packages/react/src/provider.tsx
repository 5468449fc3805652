import { createClassifierStore, type ClassifierOptions, type ClassifierStore } from '@ko-classify/core';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

const StoreContext = createContext<{ store: ClassifierStore; locale: string | null } | null>(null);

export interface ClassifierProviderProps {
  /** Read once, when the provider mounts; give the provider a new `key` to load another model. */
  options?: ClassifierOptions;
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
 */
export function ClassifierProvider({ options, locale, children }: ClassifierProviderProps) {
  const [store] = useState(() => createClassifierStore(options));
  useEffect(() => store.acquire(), [store]);
  return <StoreContext.Provider value={{ store, locale: locale ?? null }}>{children}</StoreContext.Provider>;
}

export function useStore(): ClassifierStore {
  const ctx = useContext(StoreContext);
  if (!ctx) throw new Error('ko-classify hooks must be used inside <ClassifierProvider>');
  return ctx.store;
}

/** The provider's store and locale, or null outside one (for components that work without it). */
export function useProvided(): { store: ClassifierStore; locale: string | null } | null {
  return useContext(StoreContext);
}
