/** The account's canned responses for the composer: fetched when first needed, refreshed on each use. */
import { useEffect, useState } from 'react';
import { type CannedResponse, listCannedResponses } from '../../../api/canned-responses.ts';

let cached: CannedResponse[] | null = null;

export interface CannedList {
  items: CannedResponse[];
  loading: boolean;
  failed: boolean;
}

/** Loads (again) while `active`; shows the last list meanwhile. */
export function useCannedResponses(active: boolean): CannedList {
  const [items, setItems] = useState<CannedResponse[] | null>(cached);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    listCannedResponses().then(
      (list) => {
        cached = list;
        if (!cancelled) {
          setItems(list);
          setFailed(false);
        }
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
    };
  }, [active]);
  return { items: items ?? [], loading: items === null && !failed, failed };
}
