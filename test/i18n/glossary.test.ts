/**
 * docs/glossary.md against the catalogues: every code's English and Chinese on the page are what
 * the catalogues give, and every domain term the catalogues have is on the page, so the two
 * cannot drift apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCALES_DIR, catalogueKeys, setLang } from '../../src/i18n/index.js';
import * as domain from '../../src/i18n/domain.js';

const GLOSSARY = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/glossary.md');

/** Each section's heading to the function that names its codes. */
const NAMERS: Record<string, (code: string) => string> = {
  'Value pyramid (tiers)': domain.tierName,
  'Lifecycle stages': domain.stageName,
  'Exit patterns': domain.exitPatternName,
  'Churn causes (complaint categories)': domain.categoryName,
  'Customer types': domain.customerTypeName,
  'RFM segments': domain.segmentName,
  'Churn risk levels': domain.riskName,
  'Complaint priorities': domain.priorityName,
  'Complaint statuses': domain.statusName,
  'The complaint record': domain.complaintFieldName,
  'Measures and roles': domain.termName,
};

interface Row {
  section: string;
  code: string;
  en: string;
  zh: string;
}

function rows(): Row[] {
  const out: Row[] = [];
  let section = '';
  for (const line of fs.readFileSync(GLOSSARY, 'utf8').split('\n')) {
    const h = /^## (.+)$/.exec(line);
    if (h) section = h[1]!;
    const r = /^\| [^|]+ \| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$/.exec(line);
    if (r) out.push({ section, code: r[1]!, en: r[2]!.trim(), zh: r[3]!.trim() });
  }
  return out;
}

afterEach(() => setLang('en'));

describe('docs/glossary.md', () => {
  it('gives for every code the English and Chinese the catalogues give', () => {
    const all = rows();
    expect(all.length).toBeGreaterThan(50);
    for (const r of all) {
      const name = NAMERS[r.section];
      expect(name, `no namer for section "${r.section}"`).toBeDefined();
      setLang('en');
      expect(name!(r.code), `${r.section} ${r.code} in English`).toBe(r.en);
      setLang('zh-CN');
      expect(name!(r.code), `${r.section} ${r.code} in Chinese`).toBe(r.zh);
    }
  });

  it('has every domain term of the catalogue once, and every section', () => {
    const all = rows();
    expect(new Set(all.map((r) => `${r.section}/${r.code}`)).size).toBe(all.length);
    expect(all.length).toBe(catalogueKeys('en', 'domain').length);
    expect(new Set(all.map((r) => r.section))).toEqual(new Set(Object.keys(NAMERS)));
  });

  it("uses the domain notes' Chinese for the pyramid, the lifecycle, the exit patterns and the churn causes", () => {
    const zh = (section: string): string[] =>
      rows()
        .filter((r) => r.section === section)
        .map((r) => r.zh);
    expect(zh('Value pyramid (tiers)')).toEqual(['铂金层', '黄金层', '钢铁层', '重铅层']);
    expect(zh('Lifecycle stages')).toEqual(['考察期', '形成期', '稳定期', '退化期', '已流失']);
    expect(zh('Exit patterns')).toEqual(['初期流产型', '半途夭折型', '提前退出型', '长期保持型']);
    expect(zh('Churn causes (complaint categories)')).toEqual([
      '价格流失',
      '产品流失',
      '服务流失',
      '技术流失',
      '促销流失',
      '需求流失',
      '管理流失',
      '政治流失',
      '其他流失',
    ]);
  });
});

/** The page's "One word for each concept" rows: the Chinese words, and the synonyms they replaced. */
function oneWordRows(): { term: string; zh: string[]; not: string[] }[] {
  const text = fs.readFileSync(GLOSSARY, 'utf8');
  const section = text.slice(text.indexOf('## One word for each concept'));
  const out: { term: string; zh: string[]; not: string[] }[] = [];
  for (const line of section.split('\n')) {
    const r = /^\| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/.exec(line);
    if (r === null || r[1] === 'Term' || r[1]!.startsWith('-')) continue;
    const words = (cell: string): string[] => cell.split(',').map((w) => w.trim());
    out.push({ term: r[1]!.trim(), zh: words(r[3]!), not: words(r[4]!) });
  }
  return out;
}

/** Every Chinese catalogue text, with its key. */
function chineseTexts(): { key: string; text: string }[] {
  const dir = path.join(LOCALES_DIR, 'zh-CN');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => Object.entries(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, string>).map(([key, text]) => ({ key, text })));
}

describe('one Chinese word for each concept', () => {
  it('no Chinese catalogue uses a synonym the glossary replaced', () => {
    const rows = oneWordRows();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const texts = chineseTexts();
    const drift = rows.flatMap((r) =>
      r.not.flatMap((w) => texts.filter((x) => x.text.includes(w)).map((x) => `${x.key}: "${w}" where the glossary says ${r.zh.join(' / ')} (${r.term})`)),
    );
    expect(drift).toEqual([]);
  });

  it('every word the glossary chose is one the catalogues use', () => {
    const texts = chineseTexts();
    for (const r of oneWordRows())
      for (const w of r.zh)
        expect(
          texts.some((x) => x.text.includes(w)),
          `${w} (${r.term})`,
        ).toBe(true);
  });
});
