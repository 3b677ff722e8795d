import { restoreBans } from '../run/ops.js';
import { CONFIG_OPTIONS, setUp, stateDeps } from './agent-setup.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';
import { parseOptions } from './options.js';

/** `portcullis restore`: after a reboot or a firewall reload, the sets, hooks and every active ban again. */
export async function restoreCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, CONFIG_OPTIONS);
  if (positionals.length) throw new UsageError(`restore takes no argument: '${positionals[0]}'`);
  const setup = await setUp(values, io);
  const r = await restoreBans(stateDeps(setup));
  if (values.verbose && r.capabilities.note) setup.say(r.capabilities.note);
  setup.say(`restored ${r.applied} active ban(s) with their remaining time${r.removed ? `; removed ${r.removed} expired` : ''}`);
  return 0;
}
