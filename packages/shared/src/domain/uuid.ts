// The textual UUID (8-4-4-4-12 hex digits), declared once: ids in the segment language, search
// terms, cursors and keyset keys are checked against it before they reach a ::uuid cast.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in either letter case, as a client may type it (ids then compare lower-cased). */
export const isUuid = (text: string): boolean => UUID_PATTERN.test(text);

/** A UUID as this service writes it, in lower case only: cursors and keys it issued never hold capitals. */
export const isLowercaseUuid = (text: string): boolean => isUuid(text) && text === text.toLowerCase();
