// The benchmark's synthetic contacts, deterministic from a seed: the same seed and size write the
// same file, byte for byte, except the dates, which count back from the run's clock (so "created in
// the last 30 days" matches the same share on any day). The shape follows real marketing data:
// tag and label value popularity is Zipf-like (a few values on most contacts, a long tail), most
// contacts have an email, six in ten a phone, a few percent are unsubscribed or bounced, sign-ups
// grow over two years, and a third of the contacts opened an email lately.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

/** sfc32, seeded through splitmix32: small, fast, and the same sequence on every platform. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)]!;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  shuffle<T>(values: readonly T[]): T[] {
    const out = [...values];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/** FNV-1a over the parts: a seed derived from a name, so each contact's engagement is its own. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s: the popularity of tags and label values. */
export class Zipf<T> {
  private readonly cumulative: number[];

  constructor(
    readonly values: readonly T[],
    s = 1,
  ) {
    let total = 0;
    this.cumulative = values.map((_, r) => (total += 1 / (r + 1) ** s));
    this.cumulative = this.cumulative.map((c) => c / total);
  }

  draw(rng: Random): T {
    const u = rng.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return this.values[lo]!;
  }

  /** The probability of the value at `rank`. */
  share(rank: number): number {
    return this.cumulative[rank]! - (rank > 0 ? this.cumulative[rank - 1]! : 0);
  }
}

const DAY_MS = 86_400_000;

// Vocabularies. Label values keep to letters, digits, "_" and "-", as the older label rule did.
const FIRST_NAMES = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica
Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Donald Ashley Steven Emily Paul Kimberly Andrew Donna
Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura
Jeffrey Cynthia Ryan Amy Jacob Kathleen Gary Angela Nicholas Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole
Scott Helen Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond
Maria Jack Olivia Dennis Heather Jerry Diane Tyler Julie Aaron Joyce Jose Victoria Adam Ruth Nathan Virginia Henry Lauren Zachary
Kelly Douglas Christina Peter Joan Kyle Evelyn Noah Judith Ethan Andrea Jeremy Hannah Walter Megan Christian Cheryl Keith Jacqueline
Camille Louis Chloe Hugo Lea Lucas Manon Jules Ines Lukas Mia Leon Sofia Felix Hanna Paul Lena Mateo Lucia Pablo Martina Diego Giulia
Marco Chiara Luca Francesca Joao Beatriz Pedro Mariana Sven Astrid Lars Ingrid Yuki Haruto Aiko Wei Mei Arjun Priya Omar Fatima`.split(/\s+/);
const LAST_NAMES = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson
Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz
Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly
Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders
Patel Myers Long Ross Foster Jimenez Martin Bernard Dubois Durand Leroy Moreau Laurent Simon Michel Lefebvre Muller Schmidt Schneider
Fischer Weber Meyer Wagner Becker Schulz Hoffmann Rossi Russo Ferrari Esposito Bianchi Romano Colombo Silva Santos Ferreira Pereira
Oliveira Costa Johansson Andersson Larsson Nilsson Sato Suzuki Takahashi Tanaka Wang Li Zhang Liu Chen Singh Kumar Sharma Khan Ali`.split(/\s+/);
const EMAIL_DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'icloud.com',
  'orange.fr',
  'gmx.de',
  'aol.com',
  'web.de',
  'free.fr',
  'libero.it',
  'live.com',
  'protonmail.com',
  'yahoo.fr',
  'sfr.fr',
  't-online.de',
  'mail.ru',
  'acme-corp.com',
  'globex.io',
  'initech.com',
];
/** +33 6 numbers; +33 639 and +33 69 are not mobile ranges a phone check accepts. */
const frenchMobile = (r: Random) => `+336${r.pick(['0', '1', '2', '4', '5', '6', '7', '8'])}${digits(r, 7)}`;

/** City, country, time zone, language, and how a phone number of that country is written. */
const PLACES: [string, string, string, string, (rng: Random) => string][] = [
  ['New York', 'US', 'America/New_York', 'en', (r) => `+1212${r.int(200, 999)}${digits(r, 4)}`],
  ['Paris', 'FR', 'Europe/Paris', 'fr', frenchMobile],
  ['London', 'GB', 'Europe/London', 'en', (r) => `+447400${digits(r, 6)}`],
  ['Berlin', 'DE', 'Europe/Berlin', 'de', (r) => `+49151${digits(r, 8)}`],
  ['Los Angeles', 'US', 'America/Los_Angeles', 'en', (r) => `+1310${r.int(200, 999)}${digits(r, 4)}`],
  ['Madrid', 'ES', 'Europe/Madrid', 'es', (r) => `+346${digits(r, 8)}`],
  ['Lyon', 'FR', 'Europe/Paris', 'fr', frenchMobile],
  ['Chicago', 'US', 'America/Chicago', 'en', (r) => `+1312${r.int(200, 999)}${digits(r, 4)}`],
  ['Milan', 'IT', 'Europe/Rome', 'it', (r) => `+39347${digits(r, 7)}`],
  ['Munich', 'DE', 'Europe/Berlin', 'de', (r) => `+49151${digits(r, 8)}`],
  ['Manchester', 'GB', 'Europe/London', 'en', (r) => `+447400${digits(r, 6)}`],
  ['Barcelona', 'ES', 'Europe/Madrid', 'es', (r) => `+346${digits(r, 8)}`],
  ['San Francisco', 'US', 'America/Los_Angeles', 'en', (r) => `+1415${r.int(200, 999)}${digits(r, 4)}`],
  ['Rome', 'IT', 'Europe/Rome', 'it', (r) => `+39347${digits(r, 7)}`],
  ['Marseille', 'FR', 'Europe/Paris', 'fr', frenchMobile],
  ['Hamburg', 'DE', 'Europe/Berlin', 'de', (r) => `+49151${digits(r, 8)}`],
  ['Boston', 'US', 'America/New_York', 'en', (r) => `+1617${r.int(200, 999)}${digits(r, 4)}`],
  ['Sao Paulo', 'BR', 'America/Sao_Paulo', 'pt-BR', (r) => `+55119${digits(r, 8)}`],
  ['Lisbon', 'PT', 'Europe/Lisbon', 'pt', (r) => `+35191${digits(r, 7)}`],
  ['Toulouse', 'FR', 'Europe/Paris', 'fr', frenchMobile],
  ['Seattle', 'US', 'America/Los_Angeles', 'en', (r) => `+1206${r.int(200, 999)}${digits(r, 4)}`],
  ['Valencia', 'ES', 'Europe/Madrid', 'es', (r) => `+346${digits(r, 8)}`],
  ['Cologne', 'DE', 'Europe/Berlin', 'de', (r) => `+49151${digits(r, 8)}`],
  ['Birmingham', 'GB', 'Europe/London', 'en', (r) => `+447400${digits(r, 6)}`],
  ['Turin', 'IT', 'Europe/Rome', 'it', (r) => `+39347${digits(r, 7)}`],
  ['Rio de Janeiro', 'BR', 'America/Sao_Paulo', 'pt-BR', (r) => `+55219${digits(r, 8)}`],
  ['Porto', 'PT', 'Europe/Lisbon', 'pt', (r) => `+35191${digits(r, 7)}`],
  ['Austin', 'US', 'America/Chicago', 'en', (r) => `+1512${r.int(200, 999)}${digits(r, 4)}`],
  ['Nice', 'FR', 'Europe/Paris', 'fr', frenchMobile],
  ['Denver', 'US', 'America/Denver', 'en', (r) => `+1303${r.int(200, 999)}${digits(r, 4)}`],
];

function digits(rng: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(rng.int(0, 9));
  return out;
}

const SEASONS = ['spring', 'summer', 'autumn', 'winter', 'blackfriday', 'xmas', 'newyear', 'backtoschool'];
const THEMES = `sale launch webinar promo loyalty winback welcome reactivation survey referral upsell crosssell bundle clearance vip
preorder flash giveaway contest newsletter digest recap tutorial casestudy ebook`.split(/\s+/);
const generated = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i));

/** The 20 label keys: each with its values (most popular first) and how often a contact has it (a weight, not a share). */
export const LABEL_KEYS: { key: string; values: string[]; weight: number }[] = [
  { key: 'device', values: ['ios', 'android', 'desktop', 'tablet'], weight: 9 },
  {
    key: 'utm_source',
    values: ['google', 'facebook', 'newsletter', 'instagram', 'direct', 'referral', 'tiktok', 'linkedin', 'bing', 'partner', 'youtube', 'twitter'],
    weight: 8.5,
  },
  { key: 'plan', values: ['free', 'starter', 'pro', 'business', 'enterprise'], weight: 8 },
  { key: 'lifecycle', values: ['subscriber', 'lead', 'customer', 'mql', 'sql', 'opportunity', 'churned', 'evangelist'], weight: 8 },
  { key: 'utm_medium', values: ['email', 'cpc', 'social', 'organic', 'referral', 'display', 'affiliate', 'sms'], weight: 7 },
  { key: 'tier', values: ['bronze', 'silver', 'gold', 'platinum'], weight: 6 },
  {
    key: 'signup_form',
    values: generated(12, (i) => ['footer', 'popup', 'checkout', 'landing', 'blog', 'exit-intent'][i % 6] + (i >= 6 ? '-v2' : '')),
    weight: 6,
  },
  { key: 'utm_campaign', values: SEASONS.flatMap((s) => THEMES.map((t) => `${s}-${t}`)).flatMap((c) => [`${c}-2024`, `${c}-2025`]), weight: 6 },
  {
    key: 'interest',
    values: `running yoga cooking travel photography gaming music fashion fitness gardening reading cycling hiking tech movies art skiing
    diy pets wine`.split(/\s+/),
    weight: 5,
  },
  { key: 'favorite_category', values: generated(40, (i) => `category-${String(i + 1).padStart(2, '0')}`), weight: 5 },
  { key: 'last_order', values: ['never', '0-30d', '31-90d', '91-180d', '181-365d', 'over-365d'], weight: 5 },
  { key: 'order_count', values: ['0', '1', '2-3', '4-10', '11-plus'], weight: 5 },
  {
    key: 'industry',
    values: `retail software finance healthcare education media travel manufacturing logistics hospitality realestate consulting
    nonprofit government energy telecom automotive food fashion sports legal insurance construction agriculture gaming beauty pharma
    security marketing other`.split(/\s+/),
    weight: 4,
  },
  { key: 'loyalty', values: ['member', 'insider', 'elite', 'none'], weight: 4 },
  { key: 'company_size', values: ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000-plus'], weight: 3.5 },
  {
    key: 'job_role',
    values: `marketing sales engineering founder operations support finance hr product design data legal it student teacher nurse
    manager director vp cxo consultant analyst developer freelancer other`.split(/\s+/),
    weight: 3.5,
  },
  { key: 'preferred_store', values: generated(400, (i) => `store-${String(i + 1).padStart(4, '0')}`), weight: 3 },
  { key: 'referrer_domain', values: generated(500, (i) => `site${i + 1}.example`), weight: 3 },
  { key: 'coupon_code', values: generated(1000, (i) => `SAVE${10 + (i % 40)}-${(i * 7919).toString(36).toUpperCase()}`), weight: 1.5 },
  { key: 'account_manager', values: generated(60, (i) => `am-${FIRST_NAMES[i]!.toLowerCase()}`), weight: 1.5 },
];

const labelValueZipfs = LABEL_KEYS.map((k) => new Zipf(k.values, 1));

export const CUSTOM_FIELDS = [
  { key: 'ltv', type: 'number' },
  { key: 'birthday', type: 'date' },
  { key: 'vip', type: 'boolean' },
] as const;

const CURATED_TAGS = `VIP|Newsletter|Customer|Lead|Webinar attendee|Black Friday 2024|Black Friday 2025|Cart abandoner|Trial|Beta tester|Partner
|Event: SaaStr 2025|Event: Web Summit 2024|Downloaded ebook|Requested demo|High intent|Churn risk|Won back|Referral program|Ambassador
|Employee|Press|Investor|Reseller|Wholesale|Inactive 90d|Birthday club|App user|Loyalty gold|Loyalty silver|Holiday shopper
|Spring sale 2025|Summer sale 2024|Back to school|Survey responder|NPS promoter|NPS detractor|Support ticket|Refund requested
|Free shipping|Coupon user|Gift card buyer|Subscription box|Annual plan|Monthly plan|Enterprise prospect|SMB|Mid-market|Do not call
|Hot Lead|Cold Lead|Imported 2023|Imported 2024|Facebook lead ad|Google lead form|Trade show|Podcast listener|Blog subscriber|Product Hunt`
  .split('|')
  .map((t) => t.trim());

export interface WorkspacePlan {
  name: string;
  seed: number;
  /** Contacts the workspace ends with: `emailRows` from the email file plus `phoneOnlyRows` from the SMS file. */
  contacts: number;
  emailRows: number;
  phoneOnlyRows: number;
  /** Tag names by popularity: rank 0 is on most contacts. */
  tags: string[];
  /** The run's clock (ms): created dates and activities count back from it. */
  now: number;
}

/** 50 to 200 tags and the split of the contacts between the two files, drawn from the seed. */
export function planWorkspace(name: string, contacts: number, seed: number, now: number, tagRange: [number, number]): WorkspacePlan {
  const rng = new Random(hashSeed(seed, name, 'plan'));
  const tagCount = rng.int(tagRange[0], tagRange[1]);
  const made = new Set(CURATED_TAGS);
  for (let i = 0; made.size < tagCount + 40; i++) made.add(`${rng.pick(THEMES)} ${rng.pick(['2024', '2025', 'Q1', 'Q2', 'Q3', 'Q4', 'EU', 'US'])}`);
  const tags = rng.shuffle([...made]).slice(0, tagCount);
  // Phone-only contacts (SMS opt-ins) come in a second file matched by phone: an import matched
  // by email needs an email on every row.
  const phoneOnlyRows = Math.round(contacts * 0.04);
  return { name, seed, contacts, emailRows: contacts - phoneOnlyRows, phoneOnlyRows, tags, now };
}

/** The weight of ranks in the tag Zipf: s = 1, as popularity of labels and tags tends to be. */
export const tagPopularity = (plan: WorkspacePlan) => new Zipf(plan.tags, 1);

const EMAIL_STATUS_RATES: [string, number][] = [
  ['unsubscribed', 0.04],
  ['unconfirmed', 0.015],
  ['blacklisted', 0.012], // hard bounces
  ['spam_report', 0.003],
];
const PHONE_STATUS_RATES: [string, number][] = [
  ['opted_out', 0.035],
  ['blacklisted', 0.01],
];

function status(rng: Random, rates: [string, number][]): string {
  let u = rng.next();
  for (const [name, rate] of rates) {
    if (u < rate) return name;
    u -= rate;
  }
  return 'active';
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';

export const FILE_HEADER = [
  'email',
  'phone',
  'first_name',
  'last_name',
  'city',
  'country',
  'timezone',
  'language',
  'email_status',
  'phone_status',
  'consent_at',
  'subscription_categories',
  'created_at',
  'tags',
  ...LABEL_KEYS.map((k) => `label_${k.key}`),
  ...CUSTOM_FIELDS.map((f) => `custom_${f.key}`),
];

/** One contact row's cells, in FILE_HEADER order. Row `i` of the phone-only file has no email and a number no email row uses. */
function contactCells(rng: Random, plan: WorkspacePlan, i: number, phoneOnly: boolean, tagZipf: Zipf<string>, places: Zipf<(typeof PLACES)[number]>) {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const place = places.draw(rng);
  const [city, country, timezone, language, phoneOf] = place;
  // Sign-ups grow over two years: age density falls linearly, so recent months hold more.
  const ageMs = Math.max(120_000, 730 * DAY_MS * (1 - Math.sqrt(rng.next())));
  const createdAt = plan.now - ageMs;
  const email = phoneOnly
    ? ''
    : `${first}.${last}.${i.toString(36)}@${EMAIL_DOMAINS[Math.min(EMAIL_DOMAINS.length - 1, Math.floor(-Math.log(1 - rng.next()) * 4))]}`.toLowerCase();
  // Phone-only numbers: UK mobiles starting +44750, which phoneOf never writes, numbered by row.
  const phone = phoneOnly ? `+44750${String(i).padStart(7, '0')}` : rng.chance(0.6) ? phoneOf(rng) : '';
  const tagCount = rng.chance(0.12) ? 0 : Math.min(15, 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(0.65)));
  const tags = new Set<string>();
  for (let n = 0; tags.size < tagCount && n < tagCount * 4; n++) tags.add(tagZipf.draw(rng));
  // 5 to 15 label keys, the common ones more often (weighted sampling without replacement).
  const labelCount = rng.int(5, 15);
  const chosen = new Set(
    LABEL_KEYS.map((k, index) => ({ index, order: rng.next() ** (1 / k.weight) }))
      .sort((a, b) => b.order - a.order)
      .slice(0, labelCount)
      .map((k) => k.index),
  );
  const labels = LABEL_KEYS.map((k, index) => (chosen.has(index) ? labelValueZipfs[index]!.draw(rng) : ''));
  const categories = [
    ['newsletter', 0.55],
    ['offers', 0.3],
    ['product-updates', 0.2],
    ['events', 0.08],
  ]
    .filter(([, p]) => rng.chance(p as number))
    .map(([c]) => c);
  const ltv = rng.chance(0.65) ? String(Math.min(100_000, Math.round(Math.exp(4 + 1.3 * rng.normal()) * 100) / 100)) : '';
  const birthday = rng.chance(0.35) ? new Date(Date.UTC(1950 + rng.int(0, 56), rng.int(0, 11), rng.int(1, 28))).toISOString().slice(0, 10) : '';
  const vipDraw = rng.next();
  const vip = vipDraw < 0.04 ? 'true' : vipDraw < 0.64 ? 'false' : '';
  return [
    email,
    phone,
    first,
    last,
    city,
    country,
    timezone,
    language,
    phoneOnly ? '' : status(rng, EMAIL_STATUS_RATES),
    phone ? status(rng, PHONE_STATUS_RATES) : '',
    rng.chance(0.55) ? iso(createdAt + rng.next() * (plan.now - createdAt)) : '',
    categories.join('|'),
    iso(createdAt),
    [...tags].join('|'),
    ...labels,
    ltv,
    birthday,
    vip,
  ];
}

const csvCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/**
 * Writes the workspace's two contact files (the email file, matched by email, and the phone-only
 * file, matched by phone), as a stream: a million rows never sit in memory.
 */
export async function writeContactFiles(plan: WorkspacePlan, dir: string): Promise<{ emailFile: string; phoneFile: string; bytes: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const rng = new Random(hashSeed(plan.seed, plan.name, 'contacts'));
  const tagZipf = tagPopularity(plan);
  const places = new Zipf(PLACES, 0.8);
  const files = { emailFile: path.join(dir, `${plan.name}-email.csv`), phoneFile: path.join(dir, `${plan.name}-phone.csv`) };
  let bytes = 0;
  for (const [file, rows, phoneOnly] of [
    [files.emailFile, plan.emailRows, false],
    [files.phoneFile, plan.phoneOnlyRows, true],
  ] as const) {
    const out = fs.createWriteStream(file);
    let buffer = `${FILE_HEADER.join(',')}\r\n`;
    for (let i = 0; i < rows; i++) {
      buffer += `${contactCells(rng, plan, i, phoneOnly, tagZipf, places).map(csvCell).join(',')}\r\n`;
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
    out.end(buffer);
    await once(out, 'finish');
    bytes += fs.statSync(file).size;
  }
  return { ...files, bytes };
}

export interface PlannedActivity {
  channel: 'email';
  status: 'opened' | 'clicked';
  occurredAt: string;
  messageName: string;
}

/**
 * The engagement of one contact, from its email alone (so it needs no state across the run):
 * about a third opened 1 to 4 emails over the last four months, recent ones more often, and a
 * third of those clicked once or twice.
 */
export function engagementOf(plan: WorkspacePlan, email: string): PlannedActivity[] {
  const rng = new Random(hashSeed(plan.seed, 'engagement', email));
  if (!rng.chance(0.33)) return [];
  const when = () => iso(plan.now - Math.max(60_000, 120 * DAY_MS * rng.next() ** 1.6));
  const message = () => `${rng.pick(SEASONS)}-${rng.pick(THEMES)}`;
  const out: PlannedActivity[] = [];
  for (let n = rng.int(1, 4); n > 0; n--) out.push({ channel: 'email', status: 'opened', occurredAt: when(), messageName: message() });
  if (rng.chance(0.33)) for (let n = rng.int(1, 2); n > 0; n--) out.push({ channel: 'email', status: 'clicked', occurredAt: when(), messageName: message() });
  return out;
}
