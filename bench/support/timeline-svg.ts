/** The rollout timeline as a small standalone SVG: endpoints available over emulated time, against the floor. */
export interface TimelinePoint {
  readonly seconds: number;
  readonly available: number;
}

export function timelineSvg(points: readonly TimelinePoint[], total: number, floorSeconds: number, title: string): string {
  const width = 720;
  const height = 360;
  const pad = { left: 60, right: 20, top: 40, bottom: 50 };
  const maxX = Math.max(floorSeconds, ...points.map((p) => p.seconds)) * 1.05 || 1;
  const maxY = Math.max(total, 1);
  const x = (s: number) => pad.left + (s / maxX) * (width - pad.left - pad.right);
  const y = (n: number) => height - pad.bottom - (n / maxY) * (height - pad.top - pad.bottom);
  // A step line: the count holds until the next sample saw it change.
  const path = points
    .map((p, i) => {
      const at = `${x(p.seconds).toFixed(1)},${y(p.available).toFixed(1)}`;
      const previous = points[i - 1];
      return previous === undefined ? `M${at}` : `L${x(p.seconds).toFixed(1)},${y(previous.available).toFixed(1)} L${at}`;
    })
    .join(' ');
  const ticks = Array.from({ length: 6 }, (_, i) => (maxX * i) / 5);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad.left}" y="22" font-size="14">${escapeXml(title)}</text>
<line x1="${pad.left}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(0)}" stroke="black"/>
<line x1="${pad.left}" y1="${y(0)}" x2="${pad.left}" y2="${pad.top}" stroke="black"/>
${ticks.map((t) => `<text x="${x(t).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle">${t.toFixed(0)}</text>`).join('\n')}
<text x="${(width / 2).toFixed(0)}" y="${height - 12}" text-anchor="middle">emulated seconds since the rollout started</text>
<text x="${pad.left - 6}" y="${y(maxY)}" text-anchor="end">${maxY}</text>
<text x="${pad.left - 6}" y="${y(0)}" text-anchor="end">0</text>
<line x1="${x(floorSeconds).toFixed(1)}" y1="${pad.top}" x2="${x(floorSeconds).toFixed(1)}" y2="${y(0)}" stroke="#c00" stroke-dasharray="6 4"/>
<text x="${(x(floorSeconds) + 4).toFixed(1)}" y="${pad.top + 12}" fill="#c00">floor ${floorSeconds.toFixed(1)} s</text>
<path d="${path}" fill="none" stroke="#06c" stroke-width="2"/>
<text x="${width - pad.right}" y="${pad.top - 6}" text-anchor="end" fill="#06c">endpoints available (of ${total})</text>
</svg>
`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}
