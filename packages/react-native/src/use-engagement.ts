import type { AppEngagement, AppTracker } from '@beckon/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';

/** The engagement a campaign has for the user now, and how to answer it. */
export interface EngagementState {
  engagement: AppEngagement | null;
  /** The user took it: reports `accepted` (`clicked` for an offer) and hides it. */
  accept(): void;
  /** The user closed it: reports `dismissed` and hides it. */
  decline(): void;
}

/**
 * Follows `tracker`'s engagements: the latest one shows until the user answers it or its campaign
 * takes it back. The tracker has already reported it `shown`.
 */
export function useEngagement(tracker: AppTracker): EngagementState {
  const [engagement, setEngagement] = useState<AppEngagement | null>(null);
  const current = useRef<AppEngagement | null>(null);
  const show = useCallback((e: AppEngagement | null) => {
    current.current = e;
    setEngagement(e);
  }, []);
  useEffect(() => {
    const offEngagement = tracker.on('engagement', show);
    const offWithdraw = tracker.on('withdraw', (id) => {
      if (current.current?.id === id) show(null);
    });
    return () => {
      offEngagement();
      offWithdraw();
    };
  }, [tracker, show]);
  const answer = useCallback(
    (how: 'accept' | 'decline') => {
      const e = current.current;
      if (!e) return;
      tracker[how](e.id);
      show(null);
    },
    [tracker, show],
  );
  const accept = useCallback(() => answer('accept'), [answer]);
  const decline = useCallback(() => answer('decline'), [answer]);
  return { engagement, accept, decline };
}
