export { main } from './cli/cli.js';
