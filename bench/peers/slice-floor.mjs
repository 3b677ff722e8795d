// The floor the issue measured for any Node tool that looks at the fields: read the file in 1 MB chunks, split it
// into lines, and slice SRC and DPT out of each with indexOf, with no decoding, classification or detection.
// Distinct sources are counted so the slices are used. node bench/peers/slice-floor.mjs FILE
import { createReadStream } from 'node:fs';

const sources = new Set();
let ports = 0;
let rest = '';
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20, encoding: 'latin1' })) {
  const lines = (rest + chunk).split('\n');
  rest = lines.pop();
  for (const line of lines) {
    const s = line.indexOf(' SRC=');
    if (s < 0) continue;
    sources.add(line.slice(s + 5, line.indexOf(' ', s + 5)));
    const d = line.indexOf(' DPT=', s);
    if (d >= 0 && line.slice(d + 5, line.indexOf(' ', d + 5)).length > 0) ports++;
  }
}
console.log(`${sources.size} ${ports}`);
