// The conversation's status, owner and actions. On a phone they are one
// line that scrolls sideways with its scroll bar hidden, so a fade at
// either end says there is more that way.
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { useScrollEdges } from '../lib/useScrollEdges';

export function ToolsRow({ contactId, children }: { contactId: string; children: ComponentChildren }) {
  const row = useRef<HTMLDivElement>(null);
  const edges = useScrollEdges(row, [contactId]);
  return (
    <div class="conv-tools-frame" data-testid="tools-frame" data-more-start={String(edges.start)} data-more-end={String(edges.end)}>
      <div class="conv-tools-row" ref={row}>{children}</div>
    </div>
  );
}
