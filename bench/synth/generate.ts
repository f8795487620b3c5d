/**
 * A seeded synthetic sales history, for the demo, the fixtures and the benchmark.
 *
 * Customers follow the MBG/NBD story (Batislam, Denizel & Filiztekin 2007; BG/NBD of Fader, Hardie
 * & Lee 2005 with a drop-out chance after the first purchase too): while alive, a customer buys
 * at a Poisson rate lambda ~ Gamma(r, alpha) per day; after each purchase, the first included,
 * they drop out with probability p ~ Beta(a, b). Spend per purchase follows the
 * Gamma-Gamma story (Fader, Hardie & Lee 2005, "RFM and CLV"): z ~ Gamma(shape p_s, rate nu),
 * nu ~ Gamma(q, gamma). So later issues can check that a fitted model finds these parameters.
 *
 * Rows are written in date order (an event queue over customers), streaming, so any size fits
 * in memory: each purchase is an invoice of one or more lines; about 1% of lines are refunded
 * a few days later (a negative line); some product and company names contain commas (quoted).
 */
import fs from 'node:fs';
import { writeAll } from '../../src/sys/fullwrite.js';

export interface SynthOptions {
  seed: number;
  customers: number;
  /** Stop after this many transaction lines (null: run to the end date). */
  rows: number | null;
  start: string;
  end: string;
  /** BG/NBD and Gamma-Gamma parameters (per day). */
  r: number;
  alpha: number;
  a: number;
  b: number;
  spendP: number;
  spendQ: number;
  spendGamma: number;
  refundRate: number;
  /** Every customer joins within this many days of the start (one cohort); absent: joining grows over the whole span. */
  cohortDays?: number;
  /**
   * Joining at a rate that changes by this factor a year (e^(g·t), g = ln(factor)/365): above 1 a
   * shop growing fast, below 1 one shrinking. Absent: the default's gently growing shop (density ∝ t).
   */
  joinGrowth?: number;
  /** Every customer's purchase rate times (1 + lift) in December (a December peak); absent: no season. */
  decemberLift?: number;
}

export const DEFAULTS: SynthOptions = {
  seed: 42,
  customers: 100_000,
  rows: 1_000_000,
  start: '2023-01-01',
  end: '2025-12-31',
  r: 0.9,
  alpha: 25,
  a: 0.9,
  b: 7,
  spendP: 6,
  spendQ: 4,
  spendGamma: 15,
  refundRate: 0.01,
};

/** mulberry32: a small, fast, seeded PRNG (Tommy Ettinger's public-domain design). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  let x = 0;
  while (x === 0) x = u();
  return Math.sqrt(-2 * Math.log(x)) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape k, scale 1) by Marsaglia & Tsang (2000), with the k < 1 boost. */
export function gamma(u: () => number, k: number): number {
  if (k < 1) return gamma(u, k + 1) * Math.pow(u() || 1e-12, 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const uu = u();
    if (uu < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(uu) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function beta(u: () => number, a: number, b: number): number {
  const x = gamma(u, a);
  return x / (x + gamma(u, b));
}

function poisson(u: () => number, mean: number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = u();
  while (p > l) {
    k++;
    p *= u();
  }
  return k;
}

const FIRST = [
  'Olivia',
  'Noah',
  'Amelia',
  'Oliver',
  'Isla',
  'George',
  'Ava',
  'Arthur',
  'Mia',
  'Leo',
  'Zoë',
  'José',
  'François',
  'Søren',
  'Ingrid',
  'Mateo',
  'Aisha',
  'Priya',
  'Kenji',
  'Chloé',
  'Liam',
  'Emma',
  'Lucas',
  'Sofia',
  'Ethan',
  'Freya',
  'Hugo',
  'Elif',
  'Tomás',
  'Niamh',
];
const LAST = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Patel',
  'Wright',
  'Müller',
  'García',
  "O'Brien",
  'Nguyen',
  'Kowalski',
  'Rossi',
  'Dubois',
  'Okafor',
  'Singh',
  'Evans',
  'Hughes',
  'Clarke',
  'Novak',
  'Silva',
];
const CHINESE = ['王伟', '李娜', '张敏', '刘洋', '陈静', '杨帆', '赵磊', '黄丽', '周杰', '吴芳'];
const COMPANY = [
  'Acme Trading, Ltd',
  'Blue Door Café',
  'Northwind Supplies',
  'Harbour & Co',
  'Greenleaf Organics, LLC',
  'Kestrel Office',
  'Maple Street Bakery',
  'Riverside Hotel',
  '上海明华贸易有限公司',
  'Old Town Deli',
];
// Ordered by popularity; the names with commas (quoted in the CSV) sit in the rare tail.
const PRODUCTS: [string, number][] = [
  ['Espresso beans 1kg', 2450],
  ['House blend 250g', 795],
  ['Large mug', 1200],
  ['Small mug', 950],
  ['Teapot', 3400],
  ['Green tea 100g', 650],
  ['Milk frother', 2999],
  ['Filter papers x100', 399],
  ['Manual grinder', 4500],
  ['Gift card', 2500],
  ['Chai syrup', 875],
  ['Cold brew kit', 3850],
  ['Travel cup', 1495],
  ['Decaf 250g', 825],
  ['Cocoa 500g', 1150],
  ['Almond biscotti', 450],
  ['Gooseneck kettle', 5995],
  ['Scale', 2250],
  ['Tamper, 58mm', 1899],
  ['Cleaning tablets, 50', 599],
];
const CHANNELS = ['store', 'store', 'store', 'web', 'web', 'phone'];
const STAFF = ['Alice', 'Ben', 'Chen', 'Dana', 'Emil', 'Farah'];
const PAYMENTS = ['card', 'card', 'card', 'cash', 'transfer', 'voucher'];
const MANAGERS = ['Alice', 'Chen', 'Farah', ''];

interface Person {
  id: string;
  lambda: number;
  p: number;
  nu: number;
}

function dayToIso(startMs: number, day: number): string {
  return new Date(startMs + Math.floor(day) * 86_400_000).toISOString().slice(0, 10);
}

function timeOfDay(u: () => number): string {
  const minutes = 8 * 60 + Math.floor(u() * 11 * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function money(minor: number): string {
  const neg = minor < 0;
  const a = Math.abs(minor);
  return (neg ? '-' : '') + Math.floor(a / 100) + '.' + String(a % 100).padStart(2, '0');
}

/** A binary min-heap of (time, index) for the event queue. */
class Queue {
  private t: number[] = [];
  private i: number[] = [];
  get size(): number {
    return this.t.length;
  }
  push(time: number, idx: number): void {
    this.t.push(time);
    this.i.push(idx);
    let k = this.t.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (this.t[parent]! <= this.t[k]!) break;
      this.swap(k, parent);
      k = parent;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.t[0]!, this.i[0]!];
    const lt = this.t.pop()!;
    const li = this.i.pop()!;
    if (this.t.length > 0) {
      this.t[0] = lt;
      this.i[0] = li;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < this.t.length && this.t[l]! < this.t[m]!) m = l;
        if (r < this.t.length && this.t[r]! < this.t[m]!) m = r;
        if (m === k) break;
        this.swap(k, m);
        k = m;
      }
    }
    return top;
  }
  private swap(a: number, b: number): void {
    [this.t[a], this.t[b]] = [this.t[b]!, this.t[a]!];
    [this.i[a], this.i[b]] = [this.i[b]!, this.i[a]!];
  }
}

export interface SynthResult {
  rows: number;
  customers: number;
  bytes: number;
  refunds: number;
  netMinor: number;
}

/** Writes transactions.csv (and customers.csv when `customersFile` is given). */
export function generate(opts: SynthOptions, transactionsFile: string, customersFile?: string): SynthResult {
  const u = rng(opts.seed);
  const startMs = Date.parse(opts.start + 'T00:00:00Z');
  const days = (Date.parse(opts.end + 'T00:00:00Z') - startMs) / 86_400_000 + 1;
  const people: Person[] = [];
  const queue = new Queue();
  const width = String(opts.customers).length + 1;
  const cust: string[] = ['customer_id,name,email,phone,type,account_manager,created,city'];
  for (let k = 0; k < opts.customers; k++) {
    const id = 'C' + String(k + 1).padStart(width, '0');
    // Acquisition grows over time (more customers join later), as in a growing shop; or one cohort joins at the start.
    const joined =
      opts.cohortDays !== undefined
        ? Math.min(days, opts.cohortDays) * u()
        : opts.joinGrowth !== undefined
          ? joinDay(u(), days, opts.joinGrowth)
          : days * Math.sqrt(u());
    people.push({ id, lambda: gamma(u, opts.r) / opts.alpha, p: beta(u, opts.a, opts.b), nu: gamma(u, opts.spendQ) / opts.spendGamma });
    queue.push(joined, k);
    if (customersFile) cust.push(customerLine(u, id, dayToIso(startMs, joined)));
  }
  if (customersFile) fs.writeFileSync(customersFile, cust.join('\n') + '\n');

  const fd = fs.openSync(transactionsFile, 'w');
  let out = 'invoice,date,customer_id,product,quantity,unit_price,amount,channel,staff,payment_method\n';
  let rows = 0;
  let bytes = 0;
  let refunds = 0;
  let net = 0;
  let invoice = 100000;
  const pendingRefunds: { day: number; line: string; amount: number }[] = [];
  const flush = (force: boolean): void => {
    if (out.length > 1 << 20 || (force && out.length > 0)) {
      bytes += Buffer.byteLength(out);
      writeAll(fd, out);
      out = '';
    }
  };
  const limit = opts.rows ?? Infinity;
  while (queue.size > 0 && rows < limit) {
    const [day, idx] = queue.pop();
    if (day >= days) break;
    // Refunds due before this purchase go out first, keeping the file in date order.
    while (pendingRefunds.length > 0 && pendingRefunds[0]!.day <= day && rows < limit) {
      const r = pendingRefunds.shift()!;
      out += r.line;
      net += r.amount;
      rows++;
      refunds++;
    }
    const person = people[idx]!;
    invoice++;
    const date = dayToIso(startMs, day) + ' ' + timeOfDay(u);
    const spend = Math.max(199, Math.round((gamma(u, opts.spendP) / person.nu) * 100));
    const lines = 1 + poisson(u, 0.6);
    const channel = CHANNELS[Math.floor(u() * CHANNELS.length)]!;
    const staff = channel === 'web' ? '' : STAFF[Math.floor(u() * STAFF.length)]!;
    const pay = PAYMENTS[Math.floor(u() * PAYMENTS.length)]!;
    let left = spend;
    const picked = new Set<number>();
    for (let l = 0; l < lines && rows < limit; l++) {
      let pick = Math.min(PRODUCTS.length - 1, Math.floor(-Math.log(u() || 1e-9) * 4));
      // One line per product and invoice, mostly; a few genuine repeated lines stay (as in real tills).
      while (picked.has(pick) && u() < 0.95) pick = (pick + 1) % PRODUCTS.length;
      picked.add(pick);
      const [name, price] = PRODUCTS[pick]!;
      const share = l === lines - 1 ? left : Math.round(left * (0.3 + 0.4 * u()));
      const qty = Math.max(1, Math.round(share / price));
      const amount = qty * price;
      left = Math.max(0, left - amount);
      const tail = `,${csvField(name)},${qty},${money(price)},${money(amount)},${channel},${staff},${pay}\n`;
      out += `INV${invoice},${date},${person.id}${tail}`;
      net += amount;
      rows++;
      if (u() < opts.refundRate) {
        const rday = day + 1 + Math.floor(u() * 14);
        const line = `RF${invoice},${dayToIso(startMs, rday)} ${timeOfDay(u)},${person.id},${csvField(name)},${-qty},${money(price)},${money(-amount)},${channel},${staff},${pay}\n`;
        pendingRefunds.push({ day: rday, line, amount: -amount });
        pendingRefunds.sort((x, y) => x.day - y.day);
      }
    }
    flush(false);
    // MBG/NBD: after every purchase (the first too) the customer drops out with probability p.
    if (u() >= person.p) queue.push(nextPurchase(u, day, person.lambda, startMs, opts.decemberLift ?? 0), idx);
  }
  while (pendingRefunds.length > 0 && rows < limit && pendingRefunds[0]!.day < days) {
    const r = pendingRefunds.shift()!;
    out += r.line;
    net += r.amount;
    rows++;
    refunds++;
  }
  flush(true);
  fs.closeSync(fd);
  return { rows, customers: opts.customers, bytes: bytes + 0, refunds, netMinor: net };
}

/** A joining day in [0, days) with density ∝ e^(g·t), g = ln(growth)/365: the inverse of its distribution function at u. */
function joinDay(u: number, days: number, growth: number): number {
  const g = Math.log(growth) / 365;
  return Math.abs(g) < 1e-12 ? u * days : Math.log(1 + u * Math.expm1(g * days)) / g;
}

/**
 * The next purchase after `day` of a customer buying at rate λ, or λ·(1 + lift) in December: a
 * Poisson process whose rate changes with the calendar, drawn by thinning (Lewis & Shedler 1979):
 * candidates at the highest rate, each kept with the chance rate(t) / highest.
 */
function nextPurchase(u: () => number, day: number, lambda: number, startMs: number, lift: number): number {
  const top = lambda * (1 + lift);
  for (let t = day; ;) {
    t += -Math.log(u() || 1e-12) / top;
    const december = new Date(startMs + Math.floor(t) * 86_400_000).getUTCMonth() === 11;
    if (lift === 0 || u() * (1 + lift) < (december ? 1 + lift : 1)) return t;
  }
}

function customerLine(u: () => number, id: string, created: string): string {
  const kind = u();
  let name: string;
  let type: string;
  if (kind < 0.08) {
    name = COMPANY[Math.floor(u() * COMPANY.length)]!;
    type = 'business';
  } else if (kind < 0.1) {
    name = COMPANY[Math.floor(u() * COMPANY.length)]! + ' (reseller)';
    type = 'channel';
  } else if (kind < 0.2) {
    name = CHINESE[Math.floor(u() * CHINESE.length)]!;
    type = 'consumer';
  } else {
    name = `${FIRST[Math.floor(u() * FIRST.length)]} ${LAST[Math.floor(u() * LAST.length)]}`;
    type = 'consumer';
  }
  const slug = id.toLowerCase();
  const email = u() < 0.85 ? `${slug}@example.com` : '';
  const phone = u() < 0.7 ? `+44 7700 ${String(Math.floor(u() * 900000) + 100000)}` : '';
  const manager = type === 'consumer' ? '' : MANAGERS[Math.floor(u() * MANAGERS.length)]!;
  const city = ['London', 'Leeds', 'Bristol', 'Manchester', 'Edinburgh', 'Cardiff'][Math.floor(u() * 6)]!;
  return [id, name, email, phone, type, manager, created, city].map(csvField).join(',');
}

/**
 * Per-customer summaries (x repeat purchases, t_x, T) drawn straight from the purchase story,
 * in continuous time: for testing that the model fitters recover known parameters. `model`
 * 'mbgnbd' lets a customer drop out after every purchase, the first included (as `generate`
 * does); 'bgnbd' only after repeat purchases (Fader, Hardie & Lee 2005). Customers arrive
 * uniformly over the first `spread` of the `length`-long observation period.
 */
export function simulateSummaries(opts: {
  seed: number;
  customers: number;
  r: number;
  alpha: number;
  a: number;
  b: number;
  length: number;
  spread: number;
  model: 'bgnbd' | 'mbgnbd';
}): { x: number; tx: number; T: number }[] {
  const u = rng(opts.seed);
  const out: { x: number; tx: number; T: number }[] = [];
  for (let k = 0; k < opts.customers; k++) {
    const lambda = gamma(u, opts.r) / opts.alpha;
    const p = beta(u, opts.a, opts.b);
    const T = opts.length - u() * opts.spread;
    let t = 0;
    let x = 0;
    let tx = 0;
    let alive = opts.model === 'bgnbd' || u() >= p;
    while (alive) {
      t += -Math.log(u() || 1e-12) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      alive = u() >= p;
    }
    out.push({ x, tx, T });
  }
  return out;
}

/**
 * Customer summaries (x, t_x, T in days) under the Pareto/NBD story (Schmittlein, Morrison &
 * Colombo 1987): purchases at Poisson rate λ ~ Gamma(r, α) until an exponential lifetime with
 * rate μ ~ Gamma(s, β) ends, at any moment rather than at a purchase. For tests of the model
 * choice: a shop whose customers leave this way.
 */
export function simulateParetoSummaries(opts: {
  seed: number;
  customers: number;
  r: number;
  alpha: number;
  s: number;
  beta: number;
  length: number;
  spread: number;
}): { x: number; tx: number; T: number }[] {
  const u = rng(opts.seed);
  const out: { x: number; tx: number; T: number }[] = [];
  for (let k = 0; k < opts.customers; k++) {
    const lambda = gamma(u, opts.r) / opts.alpha;
    const mu = gamma(u, opts.s) / opts.beta;
    const T = opts.length - u() * opts.spread;
    const end = Math.min(T, -Math.log(u() || 1e-12) / mu);
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(u() || 1e-12) / lambda;
      if (t > end) break;
      x++;
      tx = t;
    }
    out.push({ x, tx, T });
  }
  return out;
}

/**
 * A shop no purchase model fits: `rows` lines, each from a customer drawn uniformly from
 * `customers` on a day drawn uniformly between start and end (no rates, no dropout, no rhythm):
 * the timing check of issue 24 (fits that cannot converge must give up in bounded time).
 */
export function generateRandom(opts: { seed: number; customers: number; rows: number; start: string; end: string }, transactionsFile: string): number {
  const u = rng(opts.seed);
  const startMs = Date.parse(opts.start + 'T00:00:00Z');
  const days = (Date.parse(opts.end + 'T00:00:00Z') - startMs) / 86_400_000 + 1;
  const width = String(opts.customers).length + 1;
  const lines: { day: number; text: string }[] = [];
  for (let k = 0; k < opts.rows; k++) {
    const day = Math.floor(u() * days);
    const id = 'C' + String(1 + Math.floor(u() * opts.customers)).padStart(width, '0');
    lines.push({ day, text: `${200000 + k},${dayToIso(startMs, day)},${id},${(5 + u() * 95).toFixed(2)}\n` });
  }
  lines.sort((p, q) => p.day - q.day);
  fs.writeFileSync(transactionsFile, 'invoice,date,customer_id,amount\n' + lines.map((l) => l.text).join(''));
  return lines.length;
}

/**
 * A shop where every customer bought exactly twice, at the same two amounts (issue 24's search
 * for histories that make a command crawl): the first purchase on a day at random in the
 * period's first part, the second 1–100 days later. No purchase model finds heterogeneity in rate
 * or spend here; the Pareto/NBD and the spend fit used to walk to infinity for minutes.
 */
export function generateTwice(opts: { seed: number; customers: number; start: string; end: string }, transactionsFile: string): number {
  const u = rng(opts.seed);
  const startMs = Date.parse(opts.start + 'T00:00:00Z');
  const days = (Date.parse(opts.end + 'T00:00:00Z') - startMs) / 86_400_000 + 1;
  const width = String(opts.customers).length + 1;
  const lines: { day: number; text: string }[] = [];
  for (let c = 1; c <= opts.customers; c++) {
    const id = 'C' + String(c).padStart(width, '0');
    const first = Math.floor(u() * (days - 100));
    const second = first + 1 + Math.floor(u() * 100);
    lines.push({ day: first, text: `${dayToIso(startMs, first)},${id},10.00\n` }, { day: second, text: `${dayToIso(startMs, second)},${id},12.00\n` });
  }
  lines.sort((p, q) => p.day - q.day);
  fs.writeFileSync(transactionsFile, 'invoice,date,customer_id,amount\n' + lines.map((l, k) => `${300000 + k},${l.text}`).join(''));
  return lines.length;
}
