/**
 * docs/glossary.md against the catalogues: every code's English and Chinese on the page are what
 * the catalogues give, and every domain term the catalogues have is on the page, so the two
 * cannot drift apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogueKeys, setLang } from '../src/i18n/index.js';
import * as domain from '../src/i18n/domain.js';

const GLOSSARY = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../docs/glossary.md');

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

  it('uses the domain notes\' Chinese for the pyramid, the lifecycle, the exit patterns and the churn causes', () => {
    const zh = (section: string): string[] => rows().filter((r) => r.section === section).map((r) => r.zh);
    expect(zh('Value pyramid (tiers)')).toEqual(['铂金层', '黄金层', '钢铁层', '重铅层']);
    expect(zh('Lifecycle stages')).toEqual(['考察期', '形成期', '稳定期', '退化期', '已流失']);
    expect(zh('Exit patterns')).toEqual(['初期流产型', '半途夭折型', '提前退出型', '长期保持型']);
    expect(zh('Churn causes (complaint categories)')).toEqual(['价格流失', '产品流失', '服务流失', '技术流失', '促销流失', '需求流失', '管理流失', '政治流失', '其他流失']);
  });
});
