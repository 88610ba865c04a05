/**
 * Where the agent writes: a reply to the visitor or an internal note (yellow, never sent to the
 * visitor). Enter sends, Shift+Enter starts a new line; "/" opens the canned responses, whose
 * variables are filled in before the agent sends; files come by the button, paste or drop. The
 * draft of each chat (text, mode, files) is kept when switching chats; the visitor sees "typing"
 * while the agent writes a reply. With agent assist on, suggested replies show above the reply;
 * Alt+1…4 puts one in to edit.
 */

import { expandCannedText } from '@beckon/protocol/canned-text';
import { smsSegments } from '@beckon/protocol/sms-segments';
import {
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  type KeyboardEvent,
  lazy,
  type ReactNode,
  Suspense,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import { ATTACHMENT_TYPES } from '../../../api/attachments.ts';
import type { Conversation } from '../../../api/conversations.ts';
import { formatNumber } from '../../../components/format.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import type { AssistHandle } from './assist/assist-suggestions.tsx';
import type { TranslationHandle } from './assist/translation-toggle.tsx';
import { CannedPicker, optionId } from './canned-picker.tsx';
import { CannedIcon, PaperclipIcon } from './composer-icons.tsx';
import { MentionPicker, useMentionPicker } from './mention-picker.tsx';
import { SendWarning } from './send-warning.tsx';
import { smsHint } from './sms-hint.ts';
import { UploadChips } from './upload-chips.tsx';
import { useCannedPicker } from './use-canned-picker.ts';
import { useUploads } from './use-uploads.ts';

/** The protocol's limit on one message (chat-api MAX_MESSAGE_LENGTH). */
export const MAX_MESSAGE_LENGTH = 4000;
const MAX_HEIGHT_PX = 220;

// Agent assist's suggestions load with the first chat opened, not with the inbox.
const AssistSuggestions = lazy(() => import('./assist/assist-suggestions.tsx'));
// Live translation's "Send in …" toggle, likewise.
const TranslationToggle = lazy(() => import('./assist/translation-toggle.tsx'));

export function Composer({
  conversation: c,
  onTemplates,
  whisper,
  noReplies,
  tools,
}: {
  conversation: Conversation;
  /** More tools beside canned responses and files (the macros menu); given a way back to the text. */
  tools?: (focusInput: () => void) => ReactNode;
  /** Notes only (WhatsApp's window is closed): this goes back to the template picker. */
  onTemplates?: () => void;
  /** A supervisor watching someone else's chat: notes only, to its agents; the visitor never sees them. */
  whisper?: boolean;
  /** Replies cannot leave now (why, in the agent's words): notes only, said before they write. */
  noReplies?: string;
}) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const agentName = useWorkspace((s) => s.agent?.name ?? null, null);
  const id = c.id;
  const [text, setText] = useState(() => store.memory.draft(id).text);
  const [noteMode, setNote] = useState(() => store.memory.draft(id).note);
  /** A colleague writing a reply here when I pressed send: asked first. */
  const [writer, setWriter] = useState<string | null>(null);
  const note = noteMode || Boolean(onTemplates) || Boolean(whisper) || Boolean(noReplies);
  const files = useUploads(id, store.memory.draft(id).attachments, (done) =>
    store.memory.addDraftAttachments(id, done),
  );
  const [dragging, setDragging] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const assist = useRef<AssistHandle>(null);
  const translation = useRef<TranslationHandle>(null);
  const hintId = useId();
  const listId = useId();
  const vars = { visitor: { name: c.visitorName, email: c.visitorEmail }, agent: { name: agentName } };
  const picker = useCannedPicker({
    text,
    input: ref,
    vars,
    replaceText: (next) => {
      setText(next);
      store.setTyping(id, next.trim().length > 0, { note });
    },
  });

  const { users } = useDirectory();
  const myId = useWorkspace((s) => s.agent?.id ?? null, null);
  const people = useMemo(() => users.filter((u) => u.id !== myId), [users, myId]);
  const mentions = useMentionPicker({
    text,
    enabled: note,
    people,
    input: ref,
    replaceText: (next) => {
      setText(next);
      store.setTyping(id, next.trim().length > 0, { note });
    },
  });

  // Save the draft as it changes, so another chat and back finds it as it was.
  const done = files.done;
  useEffect(
    () => store.memory.saveDraft(id, { text, note: noteMode, attachments: done }),
    [store, id, text, noteMode, done],
  );

  // Grow with the text, up to a limit.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the height follows the text.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(MAX_HEIGHT_PX, el.scrollHeight)}px`;
  }, [text]);

  useEffect(() => {
    ref.current?.focus();
  }, []);

  // Leaving the chat: the visitor no longer sees "typing".
  useEffect(() => () => store.setTyping(id, false), [store, id]);

  const trimmed = text.trim();
  const tooLong = text.length > MAX_MESSAGE_LENGTH;
  // An SMS reply says, as it is written, how many messages the carrier will bill it as.
  const sms = c.channel === 'sms' && !note && text ? smsSegments(text) : null;
  const canSend = (trimmed.length > 0 || done.length > 0) && !tooLong && !files.busy;

  function send(confirmed = false) {
    if (!canSend) return;
    const other = note || confirmed ? undefined : store.collab.replyWriter(id);
    if (other) {
      setWriter(other.name);
      return;
    }
    if (!note) assist.current?.sent(trimmed);
    const translateTo = note ? undefined : translation.current?.target();
    store.send(id, trimmed, { note, attachments: done, ...(translateTo ? { translateTo } : {}) });
    setText('');
    files.clear();
    picker.close();
    ref.current?.focus();
  }

  function onChange(event: ChangeEvent<HTMLTextAreaElement>) {
    const value = event.target.value;
    setText(value);
    store.setTyping(id, value.trim().length > 0, { note });
    picker.onText(value, event.target.selectionStart);
    mentions.onText(value, event.target.selectionStart);
  }

  /** A suggested reply goes in for editing, in place of what was written; the caret at its end. */
  function insertSuggestion(value: string) {
    flushSync(() => setText(value));
    store.setTyping(id, value.trim().length > 0, { note });
    picker.close();
    const el = ref.current;
    el?.focus();
    el?.setSelectionRange(value.length, value.length);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing) return;
    if (mentions.onKey(event) || picker.onKey(event)) {
      event.preventDefault();
      return;
    }
    // Alt+1…4 (by the key's place, so Option+1 on a Mac works too): a suggested reply, when shown.
    const digit = /^Digit([1-4])$/.exec(event.code);
    if (digit && event.altKey && !event.ctrlKey && !event.metaKey && !note) {
      if (assist.current?.insert(Number(digit[1]) - 1)) {
        event.preventDefault();
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  }

  function switchTo(nextNote: boolean) {
    setNote(nextNote);
    store.setTyping(id, false, { note: !nextNote });
    ref.current?.focus();
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const pasted = Array.from(event.clipboardData.files);
    if (pasted.length === 0) return;
    event.preventDefault();
    files.add(pasted);
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const dropped = Array.from(event.dataTransfer.files);
    if (dropped.length > 0) files.add(dropped);
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping files is a shortcut; the Attach button does the same.
    <div
      className={['composer', note && 'composer-note', dragging && 'composer-drop'].filter(Boolean).join(' ')}
      data-testid="composer"
      data-mode={note ? 'note' : 'reply'}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {mentions.open && !picker.open && (
        <MentionPicker
          items={mentions.matches}
          active={mentions.active}
          onPick={mentions.pick}
          onHover={mentions.setActive}
        />
      )}
      {picker.open && (
        <CannedPicker
          listId={listId}
          items={picker.matches}
          active={picker.active}
          loading={picker.canned.loading}
          failed={picker.canned.failed}
          preview={picker.expand}
          onPick={picker.pick}
          onHover={picker.setActive}
          search={
            picker.byButton
              ? {
                  value: picker.query,
                  onChange: picker.search,
                  onKeyDown: (event) => {
                    if (picker.onKey(event)) event.preventDefault();
                  },
                }
              : undefined
          }
        />
      )}
      {!note && (
        <Suspense fallback={null}>
          <AssistSuggestions
            ref={assist}
            conversationId={id}
            onInsert={insertSuggestion}
            expand={(canned) => expandCannedText(canned, vars)}
          />
        </Suspense>
      )}
      {whisper ? (
        <div className="composer-modes">
          <span className="composer-mode-hint" data-testid="whisper-hint">
            {t('Whisper: only agents see this. The visitor never does.')}
          </span>
        </div>
      ) : noReplies ? (
        <div className="composer-modes">
          <p className="composer-blocked" role="note" data-testid="composer-no-replies">
            {noReplies}
          </p>
        </div>
      ) : onTemplates ? (
        <div className="composer-modes">
          <span className="composer-mode-hint">{t('Only your team sees notes.')}</span>
          <button type="button" className="link-button composer-templates" onClick={onTemplates}>
            {t('Send a template instead')}
          </button>
        </div>
      ) : (
        <fieldset className="composer-modes">
          <legend className="visually-hidden">{t('Write a')}</legend>
          <label className="composer-mode">
            <input type="radio" name={`mode-${id}`} checked={!note} onChange={() => switchTo(false)} />
            <span>{t('Reply')}</span>
          </label>
          <label className="composer-mode composer-mode-note">
            <input
              type="radio"
              name={`mode-${id}`}
              checked={note}
              onChange={() => switchTo(true)}
              data-testid="note-toggle"
            />
            <span>{t('Internal note')}</span>
          </label>
          {note && <span className="composer-mode-hint">{t('Only your team sees notes.')}</span>}
        </fieldset>
      )}
      <textarea
        ref={ref}
        className="composer-input"
        value={text}
        onChange={onChange}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => picker.bySlash && picker.close()}
        rows={2}
        placeholder={
          whisper
            ? t('Whisper to the agent…')
            : note
              ? t('Write a note for your team…')
              : t('Reply to {name}… (type {slash} for canned responses)', {
                  name: visitorLabel(c),
                  slash: '/',
                })
        }
        aria-label={whisper ? t('Whisper') : note ? t('Internal note') : t('Message')}
        id={whisper ? `whisper-${id}` : undefined}
        aria-describedby={hintId}
        aria-invalid={tooLong || undefined}
        aria-activedescendant={
          picker.bySlash && picker.matches.length > 0 ? optionId(listId, picker.active) : undefined
        }
        data-testid="composer-input"
      />
      <UploadChips uploads={files.uploads} onRemove={files.remove} />
      <div className="composer-bar">
        <div className="composer-tools">
          <button
            type="button"
            className="icon-button composer-tool"
            aria-label={t('Canned responses')}
            title={t('Canned responses ({key})', { key: '/' })}
            aria-expanded={picker.byButton}
            onClick={picker.toggle}
            data-testid="canned-button"
          >
            <CannedIcon />
          </button>
          <button
            type="button"
            className="icon-button composer-tool"
            aria-label={t('Attach files')}
            title={t('Attach images or PDF (or paste, or drop them here)')}
            onClick={() => fileInput.current?.click()}
          >
            <PaperclipIcon />
          </button>
          {tools?.(() => ref.current?.focus())}
          <input
            ref={fileInput}
            type="file"
            multiple
            accept={ATTACHMENT_TYPES.join(',')}
            className="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(e) => {
              files.add(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
            data-testid="file-input"
          />
          <span className="composer-hint" id={hintId}>
            {tooLong ? (
              <span className="field-error">
                {t('{over, plural, one {# character} other {# characters}} over the limit of {limit}.', {
                  over: text.length - MAX_MESSAGE_LENGTH,
                  limit: formatNumber(MAX_MESSAGE_LENGTH),
                })}
              </span>
            ) : sms ? (
              <span data-testid="sms-segments">{smsHint(sms)}</span>
            ) : (
              <>
                <span className="composer-hint-item">
                  <kbd>Enter</kbd> {t('to send')}
                </span>
                <span className="composer-hint-item">
                  <kbd>Shift</kbd>+<kbd>Enter</kbd> {t('new line')}
                </span>
                <span className="composer-hint-item">
                  <kbd>/</kbd> {t('canned')}
                </span>
              </>
            )}
          </span>
        </div>
        <Suspense fallback={null}>
          <TranslationToggle ref={translation} conversationId={id} hidden={note} />
        </Suspense>
        <button
          type="button"
          className="button button-primary button-small"
          onClick={() => send()}
          disabled={!canSend}
        >
          {files.busy ? t('Uploading…') : whisper ? t('Whisper') : note ? t('Add note') : t('Send')}
        </button>
      </div>
      {dragging && <div className="composer-drop-hint">{t('Drop images or PDF files to attach them')}</div>}
      {writer && (
        <SendWarning
          name={writer}
          onSend={() => send(true)}
          onClose={() => {
            setWriter(null);
            ref.current?.focus();
          }}
        />
      )}
    </div>
  );
}
