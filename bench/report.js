'use strict';
// Figures of `make bench` as text: medians with min–max, and ratios of ours to each peer from the same run.

/** Median, min and max of some samples. */
function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples: sorted.length };
}

const COLUMNS = [
  ['warmMs', 'warm callback ms', 1],
  ['warmRoundTrips', 'implied round trips', 1],
  ['warmOverMs', 'warm ms over 2 RT', 1],
  ['coldMs', 'cold callback ms', 0],
  ['firstRunMs', 'first callback ms, no delays', 0],
  ['coldRoundTrips', 'cold round trips (net)', 1],
  ['coldOverMs', 'cold ms over 2 RT', 1],
  ['coldConnections', 'new conns in cold callback', 0],
  ['cpuMsPerLogin', 'CPU ms/login', 2],
  ['loginsPerSecond', 'logins/s (c=20)', 0],
  ['newConnectionsPerLogin', 'new conns/login warm', 3],
  ['heapGrowthKB', 'heap growth KB (load rounds)', 0],
  ['heapGrowthLongKB', 'heap growth KB (10,000 logins)', 0],
];

function cell(value, digits) {
  if (value === undefined) return '–';
  if (typeof value === 'number') return value.toFixed(digits);
  const { median, min, max } = value;
  return min === max
    ? median.toFixed(digits)
    : `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;
}

const median = (value) => (typeof value === 'number' ? value : value?.median);

/** The results as a Markdown table, then the ratios ours ÷ peer. */
function renderTable(results, { callMs, roundTripMs }) {
  const lines = [];
  lines.push(`| strategy | ${COLUMNS.map(([, title]) => title).join(' | ')} |`);
  lines.push(`| --- | ${COLUMNS.map(() => '---:').join(' | ')} |`);
  for (const r of results) {
    if (r.failed) {
      lines.push(`| ${r.name} | failed: ${r.failed.replace(/\|/g, '/')} |${' |'.repeat(COLUMNS.length - 1)}`);
      continue;
    }
    lines.push(`| ${r.name} | ${COLUMNS.map(([key, , digits]) => cell(r[key], digits)).join(' | ')} |`);
  }
  lines.push('');
  lines.push(
    `RT: one call to the delayed mock as a client measures it, ${roundTripMs.toFixed(1)} ms (${callMs} ms of delay + ` +
      'the timer\'s lateness + the mock\'s work); "over 2 RT" = the callback minus two of them.',
  );
  lines.push('');
  lines.push(`Ratios ours ÷ peer (medians, same run; ${callMs} ms per Bitbucket call):`);
  lines.push('');
  lines.push(`| ours ÷ peer | ${COLUMNS.map(([, title]) => title).join(' | ')} |`);
  lines.push(`| --- | ${COLUMNS.map(() => '---:').join(' | ')} |`);
  for (const ours of results.filter((r) => r.ours && !r.failed && !r.latencyOnly)) {
    for (const peer of results.filter((r) => !r.ours && !r.failed)) {
      const ratios = COLUMNS.map(([key]) => {
        const a = median(ours[key]);
        const b = median(peer[key]);
        if (a === undefined || b === undefined) return '–';
        if (b === 0) return a === 0 ? '=' : '∞';
        return `×${(a / b).toFixed(2)}`;
      });
      lines.push(`| ${ours.name} ÷ ${peer.name} | ${ratios.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

module.exports = { renderTable, stats };
