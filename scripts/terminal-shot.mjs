#!/usr/bin/env node
/**
 * A picture of a terminal, for docs/: reads what `tmux capture-pane -e -p` printed (text with
 * SGR colour codes) on stdin and writes an HTML page drawing it in a monospace font whose Chinese
 * characters are drawn exactly two columns wide (DejaVu Sans Mono; the Chinese from Debian's
 * fonts-wqy-zenhei), then
 * prints the chromium command that screenshots it. Usage:
 *   tmux capture-pane -t S -e -p | node scripts/terminal-shot.mjs OUT.html [COLUMNS]
 */
import fs from 'node:fs';

const [out, columnsArg] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: tmux capture-pane -e -p | node scripts/terminal-shot.mjs OUT.html [COLUMNS]\n');
  process.exit(2);
}
const columns = Number(columnsArg ?? 80);
const text = fs.readFileSync(0, 'utf8').replace(/\n+$/, '');
const COLOURS = ['#2e3436', '#cc0000', '#4e9a06', '#c4a000', '#3465a4', '#75507b', '#06989a', '#d3d7cf'];
const BRIGHT = ['#555753', '#ef2929', '#8ae234', '#fce94f', '#729fcf', '#ad7fa8', '#34e2e2', '#eeeeec'];
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// A wide character (CJK, full-width punctuation) takes two terminal columns: drawn in a box two
// columns wide, so the Latin font's columns and the tables' borders line up whatever the fonts.
const WIDE =
  /([\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6])/g;
const cells = (s) => esc(s).replace(WIDE, '<i>$1</i>');

let html = '';
let style = { fg: null, bold: false, dim: false };
const open = () => {
  const css = [];
  if (style.fg) css.push(`color:${style.fg}`);
  if (style.bold) css.push('font-weight:bold');
  if (style.dim) css.push('opacity:.7');
  return css.length ? `<span style="${css.join(';')}">` : '<span>';
};
html += open();
for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
  const m = /^\x1b\[([0-9;]*)m$/.exec(part);
  if (!m) {
    html += cells(part);
    continue;
  }
  for (const code of (m[1] === '' ? '0' : m[1]).split(';').map(Number)) {
    if (code === 0) style = { fg: null, bold: false, dim: false };
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 22) style = { ...style, bold: false, dim: false };
    else if (code >= 30 && code <= 37) style.fg = COLOURS[code - 30];
    else if (code >= 90 && code <= 97) style.fg = BRIGHT[code - 90];
    else if (code === 39) style.fg = null;
  }
  html += '</span>' + open();
}
html += '</span>';
const lines = text.split('\n').length;
const page = `<!doctype html><meta charset="utf-8"><style>
html,body{margin:0;background:#1e1e1e}
pre{margin:0;padding:12px 14px;color:#e0e0e0;font:15px/1.2 'DejaVu Sans Mono',monospace;white-space:pre;width:${columns}ch}
i{font-style:normal;display:inline-block;width:2ch;text-align:center;font-family:'WenQuanYi Zen Hei','Noto Sans CJK SC',sans-serif}
</style><pre>${html}</pre>`;
fs.writeFileSync(out, page);
const width = Math.ceil(columns * 9.04 + 30);
const height = Math.ceil(lines * 18 + 26);
process.stdout.write(
  `chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=${width},${height} --screenshot=${out.replace(/\.html$/, '.png')} file://${fs.realpathSync(out)}\n`,
);
