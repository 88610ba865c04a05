/** The conversation's working-together tools under its messages: send later and merging. */
import type { Conversation } from '@beckon/protocol/chat-api';
import { MergeBox } from './merge-box.tsx';
import type { MergedParts } from './merged-thread.ts';
import { SendLater } from './send-later.tsx';

export default function CollabPanel({
  conversation,
  lastSeq,
  canReply,
  merged,
}: {
  conversation: Conversation;
  lastSeq: number;
  canReply: boolean;
  /** The conversations merged into this one (their lines are in the thread). */
  merged: MergedParts;
}) {
  return (
    <div className="collab-panel">
      <MergeBox conversation={conversation} lastSeq={lastSeq} merged={merged} />
      {canReply && <SendLater conversation={conversation} lastSeq={lastSeq} />}
    </div>
  );
}
