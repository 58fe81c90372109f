/**
 * Server-drawn SVG charts of the console: progress, inventory and cap bars,
 * and sparklines. They need no script, carry their own text alternative
 * (`role="img"` with a label, plus visible text beside them), and tell
 * segments apart by pattern as well as colour (WCAG 1.4.1). Callers pass
 * every word already translated; this file only draws.
 */

/** One band of an {@link InventoryBar}. */
export interface InventorySegment {
  /** Stable key; also the CSS class `op-seg-<key>` that colours the band. */
  key: string;
  /** Translated name shown in the legend and the band's tooltip. */
  label: string;
  count: number;
}

const WIDTH = 160;
const HEIGHT = 12;

function share(part: number, whole: number): number {
  if (!(whole > 0) || !(part > 0)) return 0;
  return Math.min(1, part / whole);
}

/**
 * A horizontal progress bar with its percentage as text. `label` is the
 * accessible name (for example "Progress: 42 % of 10,000 records done").
 */
export function ProgressBar(props: { value: number; max: number; label: string; text: string }) {
  const w = Math.round(share(props.value, props.max) * WIDTH);
  return (
    <span class="op-chart op-progress">
      <svg role="img" aria-label={props.label} width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`}>
        <title>{props.label}</title>
        <rect class="op-track" x="0" y="0" width={WIDTH} height={HEIGHT} rx="2" />
        <rect class="op-fill" x="0" y="0" width={w} height={HEIGHT} rx="2" />
      </svg>
      <span class="op-chart-text">{props.text}</span>
    </span>
  );
}

/**
 * A stacked inventory bar: records by next sending time or blocking reason
 * (dialable now, waiting for a window, retry pending, suppressed, done). Each
 * band has a tooltip with its count and the legend repeats every count as
 * text, so the bar is decoration for sighted users and never the only
 * carrier of the numbers.
 */
export function InventoryBar(props: { segments: InventorySegment[]; label: string; format: (n: number) => string }) {
  const total = props.segments.reduce((s, x) => s + Math.max(0, x.count), 0);
  let x = 0;
  const bands = props.segments.map((s) => {
    const w = total > 0 ? (Math.max(0, s.count) / total) * WIDTH : 0;
    const band = { ...s, x, w };
    x += w;
    return band;
  });
  return (
    <span class="op-chart op-inventory">
      <svg role="img" aria-label={props.label} width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`}>
        <title>{props.label}</title>
        <rect class="op-track" x="0" y="0" width={WIDTH} height={HEIGHT} />
        {bands
          .filter((b) => b.w > 0)
          .map((b) => (
            <rect class={`op-seg op-seg-${b.key}`} x={b.x.toFixed(2)} y="0" width={b.w.toFixed(2)} height={HEIGHT}>
              <title>{`${b.label}: ${props.format(b.count)}`}</title>
            </rect>
          ))}
      </svg>
      <span class="op-legend">
        {props.segments.map((s) => (
          <span class={`op-legend-item op-seg-${s.key}`}>
            <span class="op-swatch" aria-hidden="true" />
            {s.label} <span class="op-num">{props.format(s.count)}</span>
          </span>
        ))}
      </span>
    </span>
  );
}

/**
 * A regulated metric against its limit: the bar fills to the actual value on
 * a scale of 1.5 × the cap, with the cap drawn as a labelled line. `text` is
 * the visible "1.8 % / 3.0 % (rolling 30 d)" the caller formats; `over`
 * adds a class (and the caller's text says it too).
 */
export function CapMeter(props: { actual: number | null; cap: number; label: string; text: string; over: boolean }) {
  const scale = props.cap > 0 ? props.cap * 1.5 : 1;
  const w = props.actual === null ? 0 : Math.round(share(props.actual, scale) * WIDTH);
  const capX = Math.round(share(props.cap, scale) * WIDTH);
  return (
    <span class={`op-chart op-cap${props.over ? ' op-over' : ''}`}>
      <svg role="img" aria-label={props.label} width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`}>
        <title>{props.label}</title>
        <rect class="op-track" x="0" y="0" width={WIDTH} height={HEIGHT} />
        <rect class="op-fill" x="0" y="0" width={w} height={HEIGHT} />
        <line class="op-cap-line" x1={capX} x2={capX} y1="0" y2={HEIGHT} stroke-dasharray="2 2" />
      </svg>
      <span class="op-chart-text">{props.text}</span>
    </span>
  );
}

/**
 * A sparkline of recent values (oldest first). Nulls break the line. The
 * caller gives the summary sentence used as its accessible name.
 */
export function Sparkline(props: {
  values: readonly (number | null)[];
  label: string;
  width?: number;
  height?: number;
}) {
  const width = props.width ?? 120;
  const height = props.height ?? 24;
  const nums = props.values.filter((v): v is number => v !== null && Number.isFinite(v));
  const min = nums.length > 0 ? Math.min(...nums) : 0;
  const max = nums.length > 0 ? Math.max(...nums) : 1;
  const span = max - min || 1;
  const step = props.values.length > 1 ? width / (props.values.length - 1) : 0;
  let d = '';
  let pen = false;
  props.values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const px = (i * step).toFixed(1);
    const py = (height - 1 - ((v - min) / span) * (height - 2)).toFixed(1);
    d += `${pen ? 'L' : 'M'}${px} ${py} `;
    pen = true;
  });
  return (
    <svg
      class="op-chart op-spark"
      role="img"
      aria-label={props.label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <title>{props.label}</title>
      <path d={d.trim()} fill="none" class="op-spark-line" />
    </svg>
  );
}

/** One series of a live chart. */
export interface LiveSeries {
  /** Key in the `series:<groupId>` JSON points. */
  key: string;
  label: string;
  /** Dash pattern so series differ by more than colour (e.g. "6 3"). */
  dash?: string;
  /** Which y scale: shares (0–1, shown as %) or counts. */
  scale: 'share' | 'count';
}

/**
 * The uPlot island: a `<op-timeseries>` element the console's chart script
 * (`/ui/assets/charts-island.js`) fills from the page's SSE stream. Until
 * script runs (and for screen readers) the `summary` text and the table
 * stand in; the table is what "View as table" shows.
 */
export function LiveChart(props: {
  id: string;
  groupId: string;
  title: string;
  summary: string;
  series: LiveSeries[];
  /** Points already known (the last hour), oldest first. */
  points: readonly Record<string, number | null>[];
  /** A cap line (share scale), e.g. the abandonment cap. */
  cap?: { value: number; label: string };
  tableLabel: string;
  timeLabel: string;
  format: (key: string, v: number | null) => string;
  formatTime: (t: number) => string;
}) {
  const recent = props.points.slice(-10);
  return (
    <figure class="op-live-chart" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <op-timeseries
        id={props.id}
        data-group={props.groupId}
        sse-swap={`series:${props.groupId}`}
        hx-swap="none"
        data-series={JSON.stringify(props.series)}
        data-points={JSON.stringify(props.points)}
        data-cap={props.cap === undefined ? undefined : JSON.stringify(props.cap)}
        role="img"
        aria-label={props.summary}
      />
      <p class="op-chart-summary" id={`${props.id}-summary`} aria-live="off">
        {props.summary}
      </p>
      <details class="op-chart-table">
        <summary>{props.tableLabel}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{props.timeLabel}</th>
              {props.series.map((s) => (
                <th scope="col">{s.label}</th>
              ))}
            </tr>
          </thead>
          <tbody id={`${props.id}-rows`}>
            {recent.map((p) => (
              <tr>
                <td>{props.formatTime(p.t ?? 0)}</td>
                {props.series.map((s) => (
                  <td class="op-num">{props.format(s.key, p[s.key] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
