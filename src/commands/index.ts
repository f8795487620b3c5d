/**
 * Every command rapport has, in the order its help lists them. Each spec is small: the command's
 * own module (and the database driver) is imported only when it runs.
 */
import type { CommandSpec } from '../cli/program.js';
import { command as importCommand } from './import/spec.js';
import { command as status } from './status/spec.js';
import { command as imports } from './imports/spec.js';
import { command as rejects } from './rejects/spec.js';
import { command as segment } from './segment/spec.js';
import { command as customers } from './customers/spec.js';
import { command as customer } from './customer/spec.js';
import { command as model } from './model/spec.js';
import { command as churn } from './churn/spec.js';
import { command as complaint } from './complaint/spec.js';
import { command as report } from './report/spec.js';
import { command as exportCommand } from './export/spec.js';
import { command as copy } from './copy/spec.js';
import { command as snapshots } from './snapshots/spec.js';
import { command as config } from './config/spec.js';
import { command as demo } from './demo/spec.js';

export const COMMANDS: CommandSpec[] = [
  importCommand,
  status,
  imports,
  rejects,
  segment,
  customers,
  customer,
  model,
  churn,
  complaint,
  report,
  exportCommand,
  copy,
  snapshots,
  config,
  demo,
];
