/** The only page a visitor without a session sees. A successful login renders the app in place. */
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/http.ts';
import { Field } from '../../components/field.tsx';
import { FormError } from '../../components/form-error.tsx';
import { LogoMark } from '../../components/icons.tsx';
import { useDocumentTitle } from '../../components/page-header.tsx';
import { useSessionApi } from '../../session/session-context.tsx';

export function LoginPage({ expired }: { expired: boolean }) {
  const { login } = useSessionApi();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle('Log in · Beckon');

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (caught) {
      setError(errorMessage(caught));
      setSubmitting(false);
    }
  }

  return (
    <div className="login">
      <aside className="login-aside" aria-hidden="true">
        <div className="login-aside-brand">
          <LogoMark />
          <span>Beckon</span>
        </div>
        <div className="login-aside-copy">
          <p className="login-aside-title">Engage the right visitor, at the right moment.</p>
          <ul className="login-aside-points">
            <li>See who is on your site and what they are doing, live.</li>
            <li>Invite the visitors most likely to buy to chat with your team.</li>
            <li>Measure the lift against a control group, not a guess.</li>
          </ul>
        </div>
      </aside>
      <main className="login-main">
        <div className="login-card">
          <div className="login-card-brand">
            <LogoMark />
          </div>
          <h1 className="login-title">Log in to Beckon</h1>
          <p className="login-subtitle">Use the email and password your account owner gave you.</p>
          {expired && !error && (
            <div className="alert alert-info" role="status">
              Your session has ended. Log in again to continue.
            </div>
          )}
          <form className="form" onSubmit={handleSubmit} data-testid="login-form">
            <Field label="Email">
              {(props) => (
                <input
                  {...props}
                  className="input"
                  type="email"
                  name="email"
                  autoComplete="username"
                  required
                  value={email}
                  onChange={(event) => setEmail(event.target.value)}
                />
              )}
            </Field>
            <Field label="Password">
              {(props) => (
                <input
                  {...props}
                  className="input"
                  type="password"
                  name="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
              )}
            </Field>
            <FormError message={error} />
            <button type="submit" className="button button-primary button-block" disabled={submitting}>
              {submitting ? 'Logging in…' : 'Log in'}
            </button>
          </form>
        </div>
      </main>
    </div>
  );
}
