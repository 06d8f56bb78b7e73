// node compare.mjs <baseline dumpheap -stat> <scenario dumpheap -stat> <connections>
// Prints the live objects the scenario holds beyond the baseline, per connection and by type, largest first.
import { readFileSync } from 'node:fs';

const [baselineFile, scenarioFile, connectionsText] = process.argv.slice(2);
const connections = Number(connectionsText);
const read = (file) => {
  const types = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*[0-9a-f]{8,}\s+([\d,]+)\s+([\d,]+)\s+(.*)$/.exec(line);
    if (match) types.set(match[3].trim(), { count: Number(match[1].replaceAll(',', '')), bytes: Number(match[2].replaceAll(',', '')) });
  }
  return types;
};
const baseline = read(baselineFile);
const scenario = read(scenarioFile);
const rows = [];
for (const type of new Set([...baseline.keys(), ...scenario.keys()])) {
  const a = baseline.get(type) ?? { count: 0, bytes: 0 };
  const b = scenario.get(type) ?? { count: 0, bytes: 0 };
  rows.push({ type, bytes: (b.bytes - a.bytes) / connections, count: (b.count - a.count) / connections });
}
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log('| Type | Bytes per connection | Objects per connection |');
console.log('|---|---:|---:|');
for (const row of rows.filter((r) => Math.abs(r.bytes) >= 8)) {
  console.log(`| ${row.type.length > 110 ? '...' + row.type.slice(-107) : row.type} | ${row.bytes.toFixed(0)} | ${row.count.toFixed(2)} |`);
}
console.log(`| **Total (all types)** | **${total.toFixed(0)}** | |`);
