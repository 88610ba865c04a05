/**
 * Files the agent is adding to a message: each is uploaded at once (so sending is instant),
 * shown as a chip while it uploads, with its error if the server refuses it, and removable.
 * Finished uploads belong to the chat's draft, so switching chats keeps them.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  MAX_ATTACHMENTS_PER_MESSAGE,
  uploadAttachment,
} from '../../../api/attachments.ts';
import type { Attachment } from '../../../api/conversations.ts';
import { errorMessage } from '../../../api/http.ts';
import { formatNumber } from '../../../components/format.ts';
import { t } from '../../../i18n/i18n.ts';

export interface Upload {
  key: string;
  name: string;
  state: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  error?: string;
}

function megabytes(bytes: number): string {
  return `${formatNumber(Math.round(bytes / (1024 * 1024)))} MB`;
}

/** Why a file cannot be sent, before uploading it. */
export function refuseFile(file: { type: string; size: number }): string | null {
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type))
    return t('Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.');
  if (file.size > ATTACHMENT_MAX_BYTES)
    return t('Files can be up to {size}.', { size: megabytes(ATTACHMENT_MAX_BYTES) });
  return null;
}

let keySeq = 0;

export function useUploads(
  conversationId: string,
  initial: Attachment[],
  onSettled: (done: Attachment[]) => void,
) {
  const [uploads, setUploads] = useState<Upload[]>(() =>
    initial.map((a) => ({ key: `u${++keySeq}`, name: a.name, state: 'done', attachment: a })),
  );
  const mounted = useRef(true);
  const latest = useRef(uploads);
  latest.current = uploads;
  const settled = useRef(onSettled);
  settled.current = onSettled;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const add = useCallback(
    (files: File[]) => {
      const room = MAX_ATTACHMENTS_PER_MESSAGE - latest.current.filter((u) => u.state !== 'failed').length;
      for (const [index, file] of files.entries()) {
        const key = `u${++keySeq}`;
        const refused =
          index >= room
            ? t('At most {count} files per message.', { count: MAX_ATTACHMENTS_PER_MESSAGE })
            : refuseFile(file);
        const upload: Upload = refused
          ? { key, name: file.name, state: 'failed', error: refused }
          : { key, name: file.name, state: 'uploading' };
        setUploads((list) => [...list, upload]);
        if (refused) continue;
        uploadAttachment(conversationId, file).then(
          (attachment) => {
            if (mounted.current) {
              setUploads((list) =>
                list.map((u) => (u.key === key ? { ...u, state: 'done', attachment } : u)),
              );
            } else {
              // The agent switched chats meanwhile: the finished file waits in that chat's draft.
              settled.current([attachment]);
            }
          },
          (error: unknown) => {
            if (mounted.current)
              setUploads((list) =>
                list.map((u) => (u.key === key ? { ...u, state: 'failed', error: errorMessage(error) } : u)),
              );
          },
        );
      }
    },
    [conversationId],
  );

  const remove = useCallback((key: string) => {
    setUploads((list) => list.filter((u) => u.key !== key));
  }, []);

  const clear = useCallback(() => setUploads([]), []);

  const done = useMemo(
    () => uploads.flatMap((u) => (u.state === 'done' && u.attachment ? [u.attachment] : [])),
    [uploads],
  );
  const busy = uploads.some((u) => u.state === 'uploading');
  return { uploads, done, busy, add, remove, clear };
}
