// One campaign, kept fresh: looked at every few seconds while it is
// scheduled, sending or paused, and for a while after it finished
// (statuses and replies still come in); not while the page is hidden, and
// never after the screen is left.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as campaignsApi from '../api/campaigns';
import type { Campaign } from '../api/campaigns';
import { ApiError, SignedOut } from '../api/client';
import { pollDelay } from './model';
import { errorText } from '../lib/errorText';

const RETRY_MS = 5_000;

export interface Followed {
  campaign: Campaign | null;
  error: string;
  /** Shows an answer (a pause's, a resume's) at once and goes on polling. */
  show: (c: Campaign) => void;
  /** Looks again now. */
  refresh: () => void;
}

export function useCampaign(id: string): Followed {
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [error, setError] = useState('');
  const poke = useRef<() => void>(() => {});

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let busy = false;
    /** Not looked at again: it will not change, or it is not there. */
    let done = false;
    /** Bumped by a change staff made: an answer to an older look is stale. */
    let seen = 0;
    const schedule = (ms: number | null) => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (ms === null) done = true;
      else if (live) timer = setTimeout(() => void tick(), ms);
    };
    const tick = async () => {
      timer = undefined;
      if (!live || busy || done) return;
      if (document.hidden) return; // picked up again when the page shows
      busy = true;
      const asked = seen;
      try {
        const c = await campaignsApi.campaign(id);
        if (!live) return;
        if (asked !== seen) {
          schedule(0);
          return;
        }
        setCampaign(c);
        setError('');
        schedule(pollDelay(c));
      } catch (e) {
        if (!live || e instanceof SignedOut) return;
        setError(errorText(e));
        schedule(e instanceof ApiError && e.status === 404 ? null : RETRY_MS);
      } finally {
        busy = false;
      }
    };
    const onVisibility = () => {
      if (!document.hidden && timer === undefined && !done) void tick();
    };
    poke.current = () => {
      seen++;
      done = false;
      if (!busy) schedule(0);
    };
    document.addEventListener('visibilitychange', onVisibility);
    void tick();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      poke.current = () => {};
    };
  }, [id]);

  return {
    campaign,
    error,
    show: (c) => {
      setCampaign(c);
      setError('');
      poke.current();
    },
    refresh: () => poke.current(),
  };
}
