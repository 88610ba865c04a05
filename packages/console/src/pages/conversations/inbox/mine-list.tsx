/** "Mine": chats offered to me (to accept before the countdown ends), the chats I hold, and the live ones I joined. */
import { EmptyState } from '../../../components/empty-state.tsx';
import { ConversationsIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace } from '../../../workspace/workspace-context.tsx';
import type { Offer } from '../../../workspace/workspace-state.ts';
import { useNow } from '../../visitors/use-live.ts';
import { ChatRow } from './chat-row.tsx';
import { InboxSection } from './inbox-section.tsx';
import { OfferCard } from './offer-card.tsx';

const NO_OFFERS: Offer[] = [];
const NO_IDS: string[] = [];

export function MineList() {
  const t = useT();
  const offers = useWorkspace((s) => s.offers, NO_OFFERS);
  const mine = useWorkspace((s) => s.mine, NO_IDS);
  const joined = useWorkspace((s) => s.joined, NO_IDS);
  const status = useWorkspace((s) => s.status, 'offline');
  const now = useNow(1000);

  if (offers.length === 0 && mine.length === 0 && joined.length === 0) {
    return (
      <div className="inbox-empty" data-testid="inbox-empty">
        <EmptyState icon={<ConversationsIcon />} title={t('No chats right now')}>
          {status === 'online' ? (
            <p>{t('You are Online and will be offered the next one.')}</p>
          ) : (
            <p>
              {status === 'away'
                ? t('You are Away. Switch to Online at the top to be offered chats.')
                : t('You are Offline. Switch to Online at the top to be offered chats.')}
            </p>
          )}
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="inbox-sections">
      {offers.length > 0 && (
        <section aria-labelledby="offers-title">
          <h3 className="inbox-heading" id="offers-title">
            {t('Offered to you')}
          </h3>
          <ul className="offer-list">
            {offers.map((offer) => (
              <OfferCard key={offer.conversationId} offer={offer} />
            ))}
          </ul>
        </section>
      )}
      {mine.length > 0 && (
        <InboxSection id="mine-title" title={t('Your chats')} count={mine.length}>
          {mine.map((id) => (
            <ChatRow key={id} id={id} now={now} />
          ))}
        </InboxSection>
      )}
      {joined.length > 0 && (
        <InboxSection
          id="joined-title"
          title={t('Chats you joined')}
          count={joined.length}
          testId="joined-chats"
        >
          {joined.map((id) => (
            <ChatRow key={id} id={id} now={now} />
          ))}
        </InboxSection>
      )}
    </div>
  );
}
