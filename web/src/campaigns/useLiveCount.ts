// The live count of a draft's segment: a short while after the draft last
// changed, ask for the first pages, add the answer in, and ask again from
// its cursor until the count is whole. A change of draft drops the sums and
// the loop in flight (its late answers are ignored) and starts over.
import { useEffect, useState } from 'preact/hooks';
import * as campaignsApi from '../api/campaigns';
import type { CampaignPreviewRequest } from '../api/campaigns';
import { ApiError, SignedOut } from '../api/client';
import { t } from '../i18n';
import { addPreview, emptyCount, type Count } from './model';

/** Quiet time after the last change before counting. */
const DEBOUNCE_MS = 400;
/** A dropped connection or a 5xx is asked again this many times, from the same cursor. */
const RETRIES = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LiveCount {
  count: Count;
  /** Pages still being asked for. */
  counting: boolean;
  /** Why the count stopped (the API's words for an unsuitable template). */
  error: string;
  /** Counts again from the start. */
  again: () => void;
}

/** Counts `draft`'s segment; null: nothing to count yet. */
export function useLiveCount(draft: Omit<CampaignPreviewRequest, 'cursor'> | null): LiveCount {
  const key = draft ? JSON.stringify(draft) : '';
  // Each figure is kept with the draft it counts: a render of a new draft
  // before its loop starts shows nothing of the old one's.
  const [count, setCount] = useState<{ key: string; count: Count }>({ key: '', count: emptyCount() });
  const [counting, setCounting] = useState(false);
  const [error, setError] = useState<{ key: string; text: string }>({ key: '', text: '' });
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    setCount({ key, count: emptyCount() });
    setError({ key, text: '' });
    setCounting(key !== '');
    if (!key) return undefined;
    const request = JSON.parse(key) as Omit<CampaignPreviewRequest, 'cursor'>;
    const walk = async () => {
      let sum = emptyCount();
      let cursor: string | null = null;
      let failures = 0;
      for (;;) {
        try {
          const page = await campaignsApi.preview({ ...request, cursor });
          if (!live) return;
          failures = 0;
          sum = addPreview(sum, page);
          setCount({ key, count: sum });
          cursor = page.next_cursor ?? null;
          if (!cursor) break;
        } catch (e) {
          if (!live || e instanceof SignedOut) return;
          const transient = !(e instanceof ApiError) || e.status >= 500;
          if (transient && ++failures <= RETRIES) {
            await sleep(1000 * failures);
            if (!live) return;
            continue;
          }
          setError({ key, text: e instanceof ApiError ? e.message : t('campaigns.count.unreachable') });
          setCounting(false);
          return;
        }
      }
      setCounting(false);
    };
    const timer = setTimeout(() => void walk(), DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, nonce]);

  const current = count.key === key;
  return {
    count: current ? count.count : emptyCount(),
    counting: current ? counting : key !== '',
    error: error.key === key ? error.text : '',
    again: () => setNonce((n) => n + 1),
  };
}
