/** The conversation's working-together tools under its messages: send later and merging. */
import type { Conversation } from '@beckon/protocol/chat-api';
import { MergeBox } from './merge-box.tsx';
import { SendLater } from './send-later.tsx';

export function CollabPanel({
  conversation,
  lastSeq,
  canReply,
}: {
  conversation: Conversation;
  lastSeq: number;
  canReply: boolean;
}) {
  return (
    <div className="collab-panel">
      <MergeBox conversation={conversation} lastSeq={lastSeq} />
      {canReply && <SendLater conversation={conversation} lastSeq={lastSeq} />}
    </div>
  );
}
