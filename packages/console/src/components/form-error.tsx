import { AlertIcon } from './icons.tsx';

/** An inline error announced to screen readers; renders nothing when there is no message. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="form-error">
      <AlertIcon className="alert-icon" />
      <span>{message}</span>
    </div>
  );
}
