// How contact writes store emails, phones and countries, as pure functions: the api's request
// schemas and the segment conditions both use them, so a condition compares the form a write stored.
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';

/** Emails are stored trimmed and lower-cased (the local part's case is not significant in practice). */
export const normalizeEmail = (raw: string): string => raw.trim().toLowerCase();

/** A phone number in E.164 (`+14155550123`), or undefined when it is not a valid international number. */
export function normalizePhone(raw: string): string | undefined {
  try {
    const parsed = parsePhoneNumberWithError(raw.trim());
    return parsed.isValid() ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}

export const PHONE_RULE = 'must be a valid phone number in international format, such as +14155550123';

/** ISO 3166-1 alpha-2 codes are stored upper-cased (`FR`); anything else is undefined. */
export function normalizeCountry(raw: string): string | undefined {
  return /^[A-Za-z]{2}$/.test(raw) ? raw.toUpperCase() : undefined;
}

export const COUNTRY_RULE = 'must be an ISO 3166-1 alpha-2 country code such as FR';
