/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert
 * (so focus stays inside), Escape closes it, and focus returns to whatever opened it.
 */
import {
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type SyntheticEvent,
  useEffect,
  useId,
  useRef,
} from 'react';
import { useT } from '../i18n/language-context.tsx';
import { CloseIcon } from './icons.tsx';

const FOCUSABLE =
  'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: string;
  description?: ReactNode;
  /** Called on Escape, on the close button, or on a click on the backdrop. */
  onClose: () => void;
  /** While true (e.g. a request is in flight) Escape and the backdrop do not close the dialog. */
  busy?: boolean;
  size?: 'small' | 'medium' | 'large';
  children: ReactNode;
  testId?: string;
}

export function Dialog({
  title,
  description,
  onClose,
  busy = false,
  size = 'medium',
  children,
  testId,
}: DialogProps) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  // False once React unmounts the dialog, so the close event that our own close() fires is ignored.
  const mounted = useRef(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    mounted.current = true;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first = dialog.querySelector<HTMLElement>(
      '[data-autofocus], input:not([type=hidden]):not([disabled]):not([readonly]), select, textarea',
    );
    first?.focus();
    return () => {
      mounted.current = false;
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function handleCancel(event: SyntheticEvent<HTMLDialogElement>) {
    // Escape: keep the element open (React unmounts it) so the state stays the single source of truth.
    event.preventDefault();
    if (!busy) onCloseRef.current();
  }

  function handleClose() {
    // The browser may close the dialog itself (e.g. a repeated Escape); follow it.
    if (mounted.current) onCloseRef.current();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    // A modal dialog already makes the page inert; this also keeps Tab from leaving for the browser UI.
    if (event.key !== 'Tab' || !ref.current) return;
    const focusable = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (element) => !element.hasAttribute('disabled') && element.getClientRects().length > 0,
    );
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function handleBackdropMouseDown(event: MouseEvent<HTMLDialogElement>) {
    if (event.target === ref.current && !busy) onCloseRef.current();
  }

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={handleCancel}
      onClose={handleClose}
      onMouseDown={handleBackdropMouseDown}
      onKeyDown={handleKeyDown}
      data-testid={testId}
    >
      <div className="dialog-panel">
        <header className="dialog-header">
          <div>
            <h2 id={titleId} className="dialog-title">
              {title}
            </h2>
            {description && (
              <p id={descriptionId} className="dialog-description">
                {description}
              </p>
            )}
          </div>
          <button
            type="button"
            className="icon-button"
            onClick={() => onCloseRef.current()}
            aria-label={t('Close dialog')}
            disabled={busy}
          >
            <CloseIcon />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

/** The row of buttons at the bottom of a dialog, primary action last. */
export function DialogFooter({ children }: { children: ReactNode }) {
  return <div className="dialog-footer">{children}</div>;
}
