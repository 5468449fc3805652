import { createClassifierStore, type ClassifierOptions, type ClassifierStore } from '@ko-classify/core';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

const StoreContext = createContext<ClassifierStore | null>(null);

export interface ClassifierProviderProps {
  /** Read once, when the provider mounts; give the provider a new `key` to load another model. */
  options?: ClassifierOptions;
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
export function ClassifierProvider({ options, children }: ClassifierProviderProps) {
  const [store] = useState(() => createClassifierStore(options));
  useEffect(() => store.acquire(), [store]);
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStore(): ClassifierStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('ko-classify hooks must be used inside <ClassifierProvider>');
  return store;
}
