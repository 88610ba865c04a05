/** The conversations merged into an open one, and its thread with their lines in time order. */
import { useCallback, useEffect, useState } from 'react';
import { listMerged, type MergedPart } from '../../../../api/collab.ts';
import type { Message } from '../../../../api/conversations.ts';

export interface MergedParts {
  parts: MergedPart[];
  reload: () => void;
}

/** The merges into `id` still in force; read again when a line is added (a merge writes one). */
export function useMergedParts(id: string, lastSeq: number): MergedParts {
  const [parts, setParts] = useState<MergedPart[]>([]);
  const reload = useCallback(() => {
    listMerged(id).then(setParts, () => undefined);
  }, [id]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new line (the merge's) reloads the thread.
  useEffect(() => reload(), [reload, lastSeq]);
  return { parts, reload };
}

/**
 * One thread: a conversation's own lines and those of the conversations merged into it, in time
 * order (a conversation's lines keep their order when times tie). Notes of the merged ones stay
 * out: they were for the team of a conversation that is closed now.
 */
export function threadOf(own: Message[], parts: readonly MergedPart[]): Message[] {
  if (parts.length === 0) return own;
  const merged = parts.flatMap((p) => p.messages.filter((m) => m.senderKind !== 'note'));
  return [...own, ...merged].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The channel of each merged conversation, by its id, to mark its lines in the thread. */
export const mergedChannels = (parts: readonly MergedPart[]): Map<string, string> =>
  new Map(parts.map((p) => [p.conversation.id, p.conversation.channel]));
