// The document title names the screen (what a screen reader announces first, and browser history shows).
import { useEffect } from 'react';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Segmenter console`;
  }, [title]);
}
