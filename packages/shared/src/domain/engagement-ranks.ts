// How much engagement history a contact's search document keeps: the domain limit that the index
// mapping, the activities store's summary and the engagement condition (at least K times) share.

/** How many most-recent times per channel and status a document keeps (engagement conditions). */
export const ENGAGEMENT_RANKS = 10;
