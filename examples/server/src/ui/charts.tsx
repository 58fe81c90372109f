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
 * Points in columns, for the island's `data-history`: `t0` (ms of the first
 * point), `dt` (seconds from the previous point), then one array per series
 * key with shares rounded to 4 decimals. An hour at 1 Hz is about 60 kB
 * instead of the 400 kB of escaped objects.
 */
export function encodeHistory(
  points: readonly Record<string, number | null>[],
  series: readonly LiveSeries[],
): Record<string, number | (number | null)[]> {
  const out: Record<string, number | (number | null)[]> = { t0: points[0]?.t ?? 0, dt: [] };
  const dt = out.dt as number[];
  let prev = Math.floor(((points[0]?.t as number | undefined) ?? 0) / 1000);
  for (const p of points) {
    const sec = Math.floor((p.t ?? 0) / 1000);
    dt.push(sec - prev);
    prev = sec;
  }
  for (const s of series) {
    out[s.key] = points.map((p) => {
      const v = p[s.key];
      if (v === null || v === undefined || !Number.isFinite(v)) return null;
      return s.scale === 'share' ? Math.round(v * 10_000) / 10_000 : Math.round(v * 100) / 100;
    });
  }
  return out;
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
  /** IANA zone of the time axis (the user's), else the browser's. */
  timeZone?: string;
}) {
  const recent = props.points.slice(-10);
  const history = encodeHistory(props.points, props.series);
  return (
    <figure class="op-live-chart" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <op-timeseries
        id={props.id}
        data-group={props.groupId}
        sse-swap={`series:${props.groupId}`}
        hx-swap="none"
        data-series={JSON.stringify(props.series)}
        data-history={JSON.stringify(history)}
        data-cap={props.cap === undefined ? undefined : JSON.stringify(props.cap)}
        data-tz={props.timeZone}
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

/** One stacked bar's band in an {@link OutcomesChart}. */
export interface OutcomeBand {
  /** Stable key; also the CSS class `op-out-<key>` that colours and patterns the band. */
  key: string;
  label: string;
}

/**
 * Attempt outcomes per minute as stacked bars (server-drawn SVG: no script),
 * each band told apart by a fill pattern as well as its colour, with a
 * legend, a summary sentence as the accessible name and a table of every
 * minute behind "View as table".
 */
export function OutcomesChart(props: {
  id: string;
  title: string;
  summary: string;
  bands: OutcomeBand[];
  /** One bar per minute, oldest first; absent minutes are gaps. */
  minutes: readonly ({ t: number } & Record<string, number>)[];
  /** The first and last minute drawn (ms). */
  from: number;
  to: number;
  tableLabel: string;
  timeLabel: string;
  emptyText: string;
  formatTime: (t: number) => string;
  format: (n: number) => string;
}) {
  const width = 600;
  const height = 120;
  const slots = Math.max(1, Math.round((props.to - props.from) / 60_000) + 1);
  const slot = width / slots;
  const max = Math.max(1, ...props.minutes.map((m) => props.bands.reduce((n, b) => n + (m[b.key] ?? 0), 0)));
  return (
    <figure class="op-live-chart" aria-labelledby={`${props.id}-title`} id={props.id}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <svg
        class="op-outcomes"
        role="img"
        aria-label={props.summary}
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        width="100%"
        height={height}
      >
        <defs>
          <pattern id={`${props.id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse">
            <path d="M0 6 L6 0" class="op-hatch" />
          </pattern>
          <pattern id={`${props.id}-dots`} width="5" height="5" patternUnits="userSpaceOnUse">
            <circle cx="2.5" cy="2.5" r="1.2" class="op-dot" />
          </pattern>
        </defs>
        <rect class="op-track-bg" x="0" y="0" width={width} height={height} />
        {props.minutes.map((m) => {
          const i = Math.round((m.t - props.from) / 60_000);
          if (i < 0 || i >= slots) return null;
          let y = height;
          return props.bands.map((b, k) => {
            const n = m[b.key] ?? 0;
            if (n <= 0) return null;
            const h = (n / max) * (height - 4);
            y -= h;
            const fill = k === 1 ? `url(#${props.id}-hatch)` : k === 2 ? `url(#${props.id}-dots)` : undefined;
            return (
              <g>
                <rect
                  class={`op-out op-out-${b.key}`}
                  x={(i * slot + 0.5).toFixed(1)}
                  y={y.toFixed(1)}
                  width={Math.max(1, slot - 1).toFixed(1)}
                  height={h.toFixed(1)}
                />
                {fill === undefined ? null : (
                  <rect
                    fill={fill}
                    x={(i * slot + 0.5).toFixed(1)}
                    y={y.toFixed(1)}
                    width={Math.max(1, slot - 1).toFixed(1)}
                    height={h.toFixed(1)}
                  />
                )}
              </g>
            );
          });
        })}
      </svg>
      <span class="op-legend">
        {props.bands.map((b) => (
          <span class={`op-legend-item op-out-legend-${b.key}`}>
            <span class={`op-swatch op-out-${b.key}`} aria-hidden="true" />
            {b.label}
          </span>
        ))}
      </span>
      <p class="op-chart-summary">{props.summary}</p>
      <details class="op-chart-table">
        <summary>{props.tableLabel}</summary>
        {props.minutes.length === 0 ? (
          <p>{props.emptyText}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{props.timeLabel}</th>
                {props.bands.map((b) => (
                  <th scope="col">{b.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.minutes.map((m) => (
                <tr>
                  <td>{props.formatTime(m.t)}</td>
                  {props.bands.map((b) => (
                    <td class="op-num">{props.format(m[b.key] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </figure>
  );
}
