// Which business number a conversation is on ("Support"), shown once the
// deployment has more than one: a reply always leaves from this number.
import { useEffect } from 'preact/hooks';
import { businessNumbers, loadBusinessNumbers, numberLabel } from '../lib/numbers';

export function NumberChip({ id }: { id: string }) {
  useEffect(() => { void loadBusinessNumbers(); }, []);
  if (!id || businessNumbers.value.length < 2) return null;
  return <span class="chip conv-number" data-testid="conversation-number" title={id}>{numberLabel(id)}</span>;
}
