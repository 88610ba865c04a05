export { type BeckonUI, BeckonUIProvider, type BeckonUIProviderProps, useBeckonUI } from './beckon-ui.tsx';
export { ChatScreen, type ChatScreenProps } from './chat-screen.tsx';
export { EngagementHost, type EngagementHostProps } from './engagement-host.tsx';
export { InvitationBanner, type InvitationBannerProps } from './invitation-banner.tsx';
export { OfferCard, type OfferCardProps } from './offer-card.tsx';
export { isRtl, LANGUAGES, type Language, languageOf, translator } from './strings/translator.ts';
export { type BeckonTheme, defaultTheme, makeTheme, type ThemeInput } from './theme.ts';
export { type ChatLine, type ChatState, type PhotoPicker, type PickedPhoto, useChat } from './use-chat.ts';
export { type EngagementState, useEngagement } from './use-engagement.ts';
