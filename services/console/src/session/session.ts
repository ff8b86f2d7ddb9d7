// The signed-in API key, kept in sessionStorage only: it is gone when the browser session ends,
// and never written to localStorage or a cookie.
import { useSyncExternalStore } from 'react';

const KEY = 'segmenter.console.apiKey';
const listeners = new Set<() => void>();

/**
 * Called on every sign-in and sign-out. Whatever a module keeps from the API (suggestion lists)
 * belongs to the workspace of the key it was read with: it forgets it here, so a key of another
 * workspace signed in in the same tab never sees the first one's names.
 */
export function onSessionChange(forget: () => void): void {
  listeners.add(forget);
}

export function sessionKey(): string | null {
  return window.sessionStorage.getItem(KEY);
}

export function signIn(apiKey: string): void {
  window.sessionStorage.setItem(KEY, apiKey);
  listeners.forEach((notify) => notify());
}

export function signOut(): void {
  window.sessionStorage.removeItem(KEY);
  listeners.forEach((notify) => notify());
}

/** The current key; the component re-renders on sign-in and sign-out. */
export function useSessionKey(): string | null {
  return useSyncExternalStore((notify) => {
    listeners.add(notify);
    return () => listeners.delete(notify);
  }, sessionKey);
}
