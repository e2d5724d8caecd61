// A data table that scrolls sideways inside its card when a phone is
// narrower than its columns, instead of pushing the screen wider. The strip
// takes focus, so a keyboard can scroll it too, and is named for readers.
import type { ComponentChildren } from 'preact';

export function ScrollingTable({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
