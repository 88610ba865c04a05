/** The sessionStorage key of the visitor's open chat; the loader brings the widget up on every page while it is set. */
export const CHAT_KEY = 'beckon.chat';
