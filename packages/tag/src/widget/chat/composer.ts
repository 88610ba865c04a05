import type { Attachment } from '@beckon/protocol/chat-api';
import { h, icon } from '../dom.ts';
import { t } from '../i18n/i18n.ts';
import { ACCEPT, fileProblem, formatSize, MAX_ATTACHMENTS } from './attachment-rules.ts';
import type { ChatHttpError, Upload } from './chat-http.ts';

export interface ComposerOptions {
  send(text: string, attachments: Attachment[]): void;
  typing(on: boolean): void;
  upload(file: File, progress: (fraction: number) => void): Upload;
}

/** The message box: text (Enter sends, Shift+Enter is a new line), files by button, paste or drop. */
export interface Composer {
  view: HTMLElement;
  input: HTMLTextAreaElement;
  /** Takes files from a drop (or anywhere else) onto the chat. */
  addFiles(files: Iterable<File>): void;
}

interface Pending {
  file: File;
  chip: HTMLElement;
  upload?: Upload;
  attachment?: Attachment;
  failed?: boolean;
}

const TYPING_IDLE_MS = 4000;
const MAX_TEXT = 4000;

/** Creates the composer. */
export function composerView(opts: ComposerOptions): Composer {
  const files: Pending[] = [];
  let idle = 0;
  const tray = h('div', { class: 'tray', 'aria-live': 'polite' });
  const picker = h('input', {
    type: 'file',
    accept: ACCEPT,
    multiple: true,
    hidden: true,
    tabindex: -1,
    'aria-hidden': 'true',
  });
  const input = h('textarea', {
    rows: 1,
    maxlength: MAX_TEXT,
    placeholder: t('Write a message…'),
    'aria-label': t('Message'),
    enterkeyhint: 'send',
  });
  const sendButton = h(
    'button',
    { class: 'send', type: 'button', 'aria-label': t('Send') },
    icon('send', 18),
  );
  const clip = h(
    'button',
    { class: 'tool', type: 'button', 'aria-label': t('Attach a file (images or PDF)') },
    icon('clip', 20),
  );

  const grow = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 132)}px`;
  };
  const uploading = () => files.some((f) => f.upload && !f.attachment && !f.failed);
  const ready = () => files.filter((f) => f.attachment).map((f) => f.attachment!);
  const refresh = () => {
    sendButton.disabled = uploading() || (!input.value.trim() && ready().length === 0);
    sendButton.setAttribute('aria-label', uploading() ? t('Send (waiting for uploads)') : t('Send'));
  };
  const remove = (p: Pending) => {
    p.upload?.abort();
    p.chip.remove();
    files.splice(files.indexOf(p), 1);
    refresh();
  };

  const chipFor = (p: Pending, problem: string | null) => {
    const bar = h('span', { class: 'bar-fill' });
    const progress = h(
      'span',
      {
        class: 'progress',
        role: 'progressbar',
        'aria-label': t('Uploading {name}', { name: p.file.name }),
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': 0,
      },
      bar,
    );
    const status = h('span', { class: 'fsize' }, problem ? '' : formatSize(p.file.size));
    p.chip = h(
      'div',
      { class: problem ? 'upload failed' : 'upload' },
      icon(problem ? 'alert' : 'file', 18),
      h('span', { class: 'uname' }, h('span', { class: 'fname' }, p.file.name || 'file'), status),
      h(
        'button',
        {
          class: 'x',
          type: 'button',
          'aria-label': t('Remove {name}', { name: p.file.name }),
          onclick: () => remove(p),
        },
        icon('close', 14),
      ),
      problem ? null : progress,
      problem ? h('p', { class: 'uerr', role: 'alert' }, problem) : null,
    );
    return { bar, progress, status };
  };

  const addFiles = (list: Iterable<File>) => {
    for (const file of list) {
      const p: Pending = { file, chip: h('div') };
      const room = files.filter((f) => !f.failed).length < MAX_ATTACHMENTS;
      const problem = room
        ? fileProblem(file)
        : t('Up to {n} file per message.|Up to {n} files per message.', { n: MAX_ATTACHMENTS });
      const { bar, progress, status } = chipFor(p, problem);
      files.push(p);
      tray.append(p.chip);
      if (problem) {
        p.failed = true;
        continue;
      }
      p.upload = opts.upload(file, (fraction) => {
        const pct = Math.round(fraction * 100);
        bar.style.width = `${pct}%`;
        progress.setAttribute('aria-valuenow', String(pct));
      });
      p.upload.done.then(
        (attachment) => {
          p.attachment = attachment;
          p.chip.classList.add('done');
          progress.remove();
          refresh();
        },
        (err: ChatHttpError) => {
          if (!files.includes(p)) return;
          p.failed = true;
          p.chip.classList.add('failed');
          progress.remove();
          status.textContent = '';
          p.chip.append(h('p', { class: 'uerr', role: 'alert' }, err.message));
          refresh();
        },
      );
    }
    refresh();
  };

  const submit = () => {
    const text = input.value.trim();
    const attachments = ready();
    if (uploading() || (!text && attachments.length === 0)) return;
    opts.send(text, attachments);
    for (const p of [...files]) if (p.attachment) remove(p);
    input.value = '';
    grow();
    clearTimeout(idle);
    opts.typing(false);
    refresh();
    input.focus();
  };

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    grow();
    refresh();
    clearTimeout(idle);
    const typing = input.value.trim() !== '';
    opts.typing(typing);
    if (typing) idle = window.setTimeout(() => opts.typing(false), TYPING_IDLE_MS);
  });
  input.addEventListener('paste', (e) => {
    const pasted = e.clipboardData?.files;
    if (pasted && pasted.length > 0) {
      e.preventDefault();
      addFiles(pasted);
    }
  });
  clip.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    if (picker.files) addFiles(picker.files);
    picker.value = '';
  });
  sendButton.addEventListener('click', submit);
  refresh();

  const view = h(
    'div',
    { class: 'compose' },
    tray,
    h('div', { class: 'row' }, clip, picker, input, sendButton),
  );
  return { view, input, addFiles };
}
