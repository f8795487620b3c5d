/** Runs one rapport command in this process and reports its peak memory on stderr's last line. */
import { main } from '../src/main.js';

const code = await main(process.argv.slice(2), process);
process.stderr.write(`\nBENCH ${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS })}\n`);
process.exitCode = code;
