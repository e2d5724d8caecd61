// Whether a sideways-scrolling row has more to either side, for the fades
// that tell a phone user the row scrolls (its scroll bar is hidden).
import type { RefObject } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';

export interface ScrollEdges {
  /** Content is hidden before the start. */
  start: boolean;
  /** Content is hidden past the end. */
  end: boolean;
}

// A pixel of slack: zoom and fractional widths leave scrollLeft a hair short of the end.
const SLACK = 1;

export function scrollEdges(el: HTMLElement): ScrollEdges {
  const hidden = el.scrollWidth - el.clientWidth;
  // Right-to-left rows scroll from 0 towards negative numbers.
  const moved = Math.abs(el.scrollLeft);
  return { start: moved > SLACK, end: hidden - moved > SLACK };
}

export function useScrollEdges(ref: RefObject<HTMLElement | null>, deps: unknown[] = []): ScrollEdges {
  const [edges, setEdges] = useState<ScrollEdges>({ start: false, end: false });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const next = scrollEdges(el);
      setEdges((old) => (old.start === next.start && old.end === next.end ? old : next));
    };
    update();
    el.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(el);
    for (const child of Array.from(el.children)) observer.observe(child);
    return () => {
      el.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, deps);
  return edges;
}
