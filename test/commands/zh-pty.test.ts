/**
 * The Chinese tea shop (fixtures/zh-shop) through import, segment, model, churn, the card and a
 * complaint, in Chinese, in a real pseudo-terminal 80 columns wide (issue 17): every command
 * succeeds, no line is wider than the window (a Chinese character counts two columns), and what a
 * person reads is Chinese.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
const AS_OF = '2026-11-26';

describe('the Chinese shop in Chinese, on an 80-column terminal', () => {
  let t: ReturnType<typeof tempDir>;
  beforeAll(() => {
    t = tempDir();
  });
  afterAll(() => t?.cleanup());

  it('imports, segments, fits, lists who is leaving, shows a card and logs a complaint', () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
    const steps = [
      `import customers ${fixture('zh-shop/customers.csv')}`,
      `import transactions ${fixture('zh-shop/transactions.csv')} --currency CNY`,
      `segment --as-of ${AS_OF}`,
      `model --as-of ${AS_OF}`,
      `churn --as-of ${AS_OF} --limit 10`,
      `customer KH0001 --as-of ${AS_OF}`,
      // Every answer given as a flag, stdin not a terminal: no prompt waits (the prompts in Chinese
      // are driven in test/cli/complaint-zh.test.ts).
      `complaint add --customer KH0001 --category price --summary 价格比别家贵 --priority high < /dev/null`,
      'complaint list',
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TZ: 'Asia/Shanghai', RAPPORT_LANG: 'zh-CN', CI: undefined };
    delete env.CI;
    const shell = 'stty cols 80 rows 50; ' + steps.map((s) => `${process.execPath} ${BIN} --no-pager --db ${t.db} ${s} || echo "FAILED: ${s}"`).join('; ');
    const r = spawnSync('script', ['-qfec', shell, '/dev/null'], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, timeout: 200_000 });
    expect(r.status).toBe(0);
    // The progress bar redraws its line with \r: what stays on the screen is each line's last draw.
    const screen = r.stdout
      .split('\n')
      .map((l) => l.replace(/\r+$/, '').split('\r').pop()!)
      .join('\n');
    if (process.env.SHOW_SCREEN) console.log(screen);
    expect(screen).not.toContain('FAILED:');
    const wide = screen.split('\n').filter((l) => stringWidth(l) > 80);
    expect(wide, wide.join('\n')).toEqual([]);
    for (const words of ['导入', '客户价值金字塔', '铂金层', '考察期', '流失预警名单', '价格流失', '胡敏']) expect(screen, words).toContain(words);
    // No English words a person would read: labels, domain names, risk levels, reasons (command
    // names and file paths, such as customers.csv, stay as they are).
    const english =
      screen.match(
        /\b(customer|imported|platinum|gold|exploration|decline|risk|reasons?|purchases?|days? ago|logged|complaint #|ran away|converged|heterogeneity)\b/gi,
      ) ?? [];
    expect(english).toEqual([]);
  }, 300_000);
});
