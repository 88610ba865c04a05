/** Loads one report for the current filters, reloading whenever they change. */
import { useCallback } from 'react';
import type { ReportFilters } from '../../api/reports.ts';
import { type Resource, useResource } from '../../components/use-resource.ts';

export function useReport<T>(load: (f: ReportFilters) => Promise<T>, filters: ReportFilters): Resource<T> {
  const key = JSON.stringify(filters);
  // The filters are compared by value (their JSON), so a new object with the same values does not reload.
  const loader = useCallback(() => load(JSON.parse(key) as ReportFilters), [load, key]);
  return useResource(loader);
}
