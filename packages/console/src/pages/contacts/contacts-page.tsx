/** Contacts: search and list (/contacts) and one contact's page (/contacts/:id). */
import { usePath } from '../../router/router.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { ContactDetailPage } from './contact-detail.tsx';
import { ContactList } from './contact-list.tsx';

export function ContactsPage() {
  const path = usePath();
  if (path === '/contacts') return <ContactList />;
  const rest = path.slice('/contacts/'.length);
  if (!rest || rest.includes('/')) return <NotFoundPage />;
  return <ContactDetailPage key={rest} contactId={decodeURIComponent(rest)} />;
}
