/**
 * Said in place of the part of a mail's text that was not read or kept. On its own so that the
 * intake can say it without loading the HTML reader (html-text.ts and its library).
 */
export const REST_IN_ORIGINAL = '… [the rest is in the original mail]';
