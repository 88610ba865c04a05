/**
 * The keyboard shortcut sheet, opened with `?` anywhere outside a text field: every shortcut of
 * the console in one list. Also the `g` sequences that move between the conversation views.
 */
import { useEffect, useState } from 'react';
import { Dialog } from '../components/dialog.tsx';
import { useT } from '../i18n/language-context.tsx';
import { typingInField } from '../pages/conversations/inbox/inbox-keys.ts';
import { navigate } from '../router/router.tsx';

/** `g` then one of these letters, within this long, goes to the page. */
const SEQUENCE_MS = 1200;
const GO_TO: Record<string, string> = {
  i: '/conversations',
  m: '/conversations/mentions',
  h: '/conversations/history',
};

/** Between the keys of a row: a sequence (`g m`), alternatives (`↑ / ↓`), or keys held together. */
function separator(keys: string[]): string {
  if (keys[0] === 'g') return ' ';
  return ['↑', '↓', '←', '→'].includes(keys[0]!) ? ' / ' : ' + ';
}

export function ShortcutSheet() {
  const [open, setOpen] = useState(false);

  useEffect(() => {
    let gAt = 0;
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
      if (event.key === '?') {
        event.preventDefault();
        setOpen(true);
        return;
      }
      if (event.key === 'g') {
        gAt = Date.now();
        return;
      }
      const to = GO_TO[event.key];
      if (to && Date.now() - gAt < SEQUENCE_MS) {
        gAt = 0;
        event.preventDefault();
        navigate(to);
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return open ? <ShortcutList onClose={() => setOpen(false)} /> : null;
}

function ShortcutList({ onClose }: { onClose: () => void }) {
  const t = useT();
  const groups: { title: string; rows: [keys: string[], what: string][] }[] = [
    {
      title: t('Anywhere'),
      rows: [
        [['?'], t('Show this list of shortcuts')],
        [['g', 'i'], t('Go to the inbox')],
        [['g', 'm'], t('Go to your mentions')],
        [['g', 'h'], t('Go to the conversation history')],
        [['Esc'], t('Close a dialog or a picker')],
      ],
    },
    {
      title: t('Inbox'),
      rows: [
        [['j'], t('Next of my chats')],
        [['k'], t('Previous of my chats')],
        [['Alt', '↓'], t('Next of my chats, also while writing')],
        [['Alt', '↑'], t('Previous of my chats, also while writing')],
        [['↑', '↓'], t('Move between the rows of a list (inbox, mentions)')],
        [['←', '→'], t('Switch between the inbox tabs')],
        [['Enter'], t('Open the chat or mention in focus')],
        [['m'], t('Run a macro on the open chat')],
        [['Alt', 'M'], t('Run a macro, also while writing')],
      ],
    },
    {
      title: t('Writing'),
      rows: [
        [['Enter'], t('Send the reply or add the note')],
        [['Shift', 'Enter'], t('New line')],
        [['/'], t('Insert a canned response')],
        [['@'], t('In a note: mention a colleague by name; they are told at once')],
        [['Alt', '1…4'], t('Put a suggested reply in the composer to edit (agent assist)')],
      ],
    },
  ];
  return (
    <Dialog title={t('Keyboard shortcuts')} onClose={onClose} size="medium" testId="shortcut-sheet">
      <div className="dialog-body shortcut-sheet">
        {groups.map((g) => (
          <section key={g.title}>
            <h3>{g.title}</h3>
            <dl>
              {g.rows.map(([keys, what]) => (
                <div key={`${keys.join('+')}-${what}`} className="shortcut-row">
                  <dt>
                    {keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && separator(keys)}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
