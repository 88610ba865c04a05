/** The storage key of the visitor's open chat (every tab of the site); the loader brings the widget up on every page while it is set. */
export const CHAT_KEY = 'beckon.chat';

/** A link back to a conversation (a mailed reply) carries its token in the page's fragment, after this. */
export const LINK_KEY = `${CHAT_KEY}=`;
