// A data table that scrolls sideways inside its card when a phone is
// narrower than its columns, instead of pushing the screen wider. The strip
// takes focus, so a keyboard can scroll it too, and is named for readers:
// by `label`, or by the table's own caption through `labelledBy`.
import type { ComponentChildren } from 'preact';

type Name = { label: string; labelledBy?: never } | { labelledBy: string; label?: never };

export function ScrollingTable({ label, labelledBy, framed = false, children }: Name & { framed?: boolean; children: ComponentChildren }) {
  return (
    <div class={`table-scroll${framed ? ' table-scroll--framed' : ''}`} tabIndex={0} role="region" aria-label={label} aria-labelledby={labelledBy}>
      {children}
    </div>
  );
}
