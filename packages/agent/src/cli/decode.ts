import { decodeLine, explainLine, toEcs, type GeoLookup } from '@portcullis/core';
import { readLines } from './input.js';
import type { Io } from './main.js';
import { langOption, parseOptions, timeOptions } from './options.js';
import { write } from './output.js';
import { openGeoOrWarn } from './geo.js';

export async function decodeCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    json: { type: 'boolean' },
    lang: { type: 'string' },
    all: { type: 'boolean' },
    year: { type: 'string' },
    'utc-offset': { type: 'string' },
    'no-geo': { type: 'boolean' },
  });
  const lang = langOption(values.lang, io);
  const time = timeOptions(values, io);
  const geo: GeoLookup | undefined = values['no-geo'] ? undefined : await openGeoOrWarn(io);
  let firewall = 0;
  let other = 0;
  let truncated = 0;
  let invalid = 0;
  for await (const input of readLines(positionals, io.stdin)) {
    const line = decodeLine(input.text, time);
    if (!line) {
      other++;
      if (values.all && !values.json) await write(io.stdout, `${input.source}:${input.number}: (not a firewall line)\n\n`);
      continue;
    }
    firewall++;
    if (line.truncated) truncated++;
    if (values.json) {
      const event = toEcs(line, { geo, original: input.text });
      if (event.portcullis.invalid.length) invalid++;
      await write(io.stdout, `${JSON.stringify(event)}\n`);
    } else {
      const text = explainLine(line, { lang, geo });
      if (text.invalid) invalid++;
      await write(io.stdout, `${input.source}:${input.number}\n${text.text}\n`);
    }
  }
  const summary =
    lang === 'ja'
      ? `ファイアウォール行 ${firewall}、それ以外の行 ${other}、途中で切れた行 ${truncated}、不正な値を含む行 ${invalid}\n`
      : `${firewall} firewall lines, ${other} other lines, ${truncated} truncated, ${invalid} with invalid values\n`;
  io.stderr.write(summary);
  return 0;
}
