/** The UTF-8 codecs the parser shares (one of each, made once). */

/** Decodes UTF-8 that must be valid (throws otherwise) and keeps a leading BOM as a character. */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes text as UTF-8. */
export const utf8Encoder = new TextEncoder();
