import type { AppTracker } from '@beckon/sdk';
import { Linking, StyleSheet, View } from 'react-native';
import { InvitationBanner } from './invitation-banner.tsx';
import { OfferCard } from './offer-card.tsx';
import { useEngagement } from './use-engagement.ts';

export interface EngagementHostProps {
  tracker: AppTracker;
  /** The user accepted a chat invitation or a chat button: show your chat screen. */
  onOpenChat(): void;
  /** The user took a call or callback engagement. Default: nothing more than the report. */
  onCall?: (type: 'call' | 'callback') => void;
  /** Opens an offer's link; default `Linking.openURL`. */
  onOpenUrl?: (url: string) => void;
}

/**
 * Shows the campaigns' engagements over the app's screen: an invitation banner (chat, call,
 * callback, offline message) or an offer card, pinned to the bottom; reports each answer.
 */
export function EngagementHost({ tracker, onOpenChat, onCall, onOpenUrl }: EngagementHostProps) {
  const { engagement, accept, decline } = useEngagement(tracker);
  if (!engagement) return null;
  const type = engagement.engagement.type;
  return (
    <View style={styles.dock} pointerEvents="box-none">
      {type === 'content' ? (
        <OfferCard
          engagement={engagement}
          onDecline={decline}
          onOpen={(url) => {
            accept();
            if (onOpenUrl) onOpenUrl(url);
            else if (url) void Linking.openURL(url);
          }}
        />
      ) : (
        <InvitationBanner
          engagement={engagement}
          onDecline={decline}
          onAccept={() => {
            accept();
            if (type === 'call' || type === 'callback') onCall?.(type);
            else onOpenChat();
          }}
        />
      )}
    </View>
  );
}

const styles = StyleSheet.create({
  dock: { position: 'absolute', start: 0, end: 0, bottom: 16 },
});
