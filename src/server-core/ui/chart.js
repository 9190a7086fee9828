// A small SVG line chart: seats used (solid) against the total (dashed) over time.
const SVG = "http://www.w3.org/2000/svg";

function node(tag, attrs = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function clock(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}

export function usageChart(series, width = 460, height = 220) {
  const pad = { left: 40, right: 12, top: 24, bottom: 30 };
  const svg = node("svg", {
    class: "chart",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": `Usage of ${series.feature}`,
    "data-feature": series.feature,
  });
  svg.append(node("text", { x: pad.left, y: 15 }, `${series.feature}: used vs total`));
  const points = series.points;
  if (points.length === 0) {
    svg.append(node("text", { x: pad.left, y: height / 2 }, "no samples yet"));
    return svg;
  }
  const first = points[0].at;
  const last = points[points.length - 1].at;
  const span = Math.max(1, last - first);
  const top = Math.max(1, ...points.map((p) => Math.max(p.used, p.total ?? 0)));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (at) => pad.left + (points.length === 1 ? plotW / 2 : ((at - first) / span) * plotW);
  const y = (value) => pad.top + plotH - (value / top) * plotH;
  svg.append(
    node("line", { class: "axis", x1: pad.left, y1: pad.top, x2: pad.left, y2: pad.top + plotH }),
    node("line", {
      class: "axis",
      x1: pad.left,
      y1: pad.top + plotH,
      x2: pad.left + plotW,
      y2: pad.top + plotH,
    }),
    node("text", { x: 4, y: pad.top + 4 }, String(top)),
    node("text", { x: 4, y: pad.top + plotH }, "0"),
    node("text", { x: pad.left, y: height - 8 }, clock(first)),
    node("text", { x: pad.left + plotW - 50, y: height - 8 }, clock(last)),
  );
  const path = (value) =>
    points
      .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.at).toFixed(1)},${y(value(p)).toFixed(1)}`)
      .join(" ");
  if (points.every((p) => p.total !== null))
    svg.append(node("path", { class: "total", d: path((p) => p.total) }));
  svg.append(node("path", { class: "used", d: path((p) => p.used) }));
  for (const p of points)
    svg.append(
      node("circle", { cx: x(p.at).toFixed(1), cy: y(p.used).toFixed(1), r: 2.5, fill: "#1f5fa8" }),
    );
  return svg;
}
