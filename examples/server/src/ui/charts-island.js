// The console's live-chart island and live-update switch (served as
// /ui/assets/charts-island.js; no build step, no eval, no inline handlers).
//
// <op-timeseries> draws a uPlot chart (uPlot is loaded before this file from
// node_modules) and appends the JSON points of its `series:<groupId>` SSE
// event: the element carries `sse-swap`, and this script takes the message
// before htmx would swap it. A checkbox with `data-op-live-pause` freezes every
// SSE update of the page (WCAG 2.2.2) until it is unchecked.
(() => {
  const HORIZON_S = 3600;
  const paused = () => document.documentElement.dataset.opLivePaused === 'true';

  document.addEventListener(
    'htmx:sseBeforeMessage',
    (event) => {
      if (paused()) event.preventDefault();
    },
    true,
  );
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute('data-op-live-pause')) return;
    document.documentElement.dataset.opLivePaused = input.checked ? 'true' : 'false';
    input.setAttribute('aria-checked', input.checked ? 'true' : 'false');
    const note = document.getElementById(input.getAttribute('aria-describedby') ?? '');
    if (note) note.hidden = !input.checked;
  });

  // The flag lives on <html>, which a navigation swap keeps: a page swapped in
  // starts with its switch off, so the flag follows the switch it brings.
  document.addEventListener('htmx:afterSettle', () => {
    const on = document.querySelector('[data-op-live-pause]:checked') !== null;
    document.documentElement.dataset.opLivePaused = on ? 'true' : 'false';
  });

  // A sink with `data-op-announce` hands its SSE message (plain text) to the
  // console's polite live region instead of swapping it: state changes are
  // announced once each, never the per-second figures.
  document.addEventListener('htmx:sseBeforeMessage', (event) => {
    const sink = event.target;
    if (!(sink instanceof HTMLElement) || !sink.hasAttribute('data-op-announce')) return;
    event.preventDefault();
    if (!paused() && typeof window.outpaceAnnounce === 'function') window.outpaceAnnounce(event.detail.data);
  });

  // A tooltip shown on hover or focus ([data-op-tip] inside .op-tip) hides on
  // Escape until the pointer or focus leaves it (WCAG 1.4.13: dismissible).
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const tip = document.activeElement?.closest?.('.op-tip') ?? document.querySelector('.op-tip:hover');
    if (tip instanceof HTMLElement) tip.setAttribute('data-tip-hidden', '');
  });
  const unhide = (event) => {
    const tip = event.target instanceof Element ? event.target.closest('.op-tip') : null;
    if (tip) tip.removeAttribute('data-tip-hidden');
  };
  document.addEventListener('focusout', unhide);
  document.addEventListener('mouseout', unhide);

  // Custom properties compute to their tokens (`light-dark(#0b57d0, #8ab4f8)`), which canvas cannot parse:
  // a probe's `color` resolves them to the theme's rgb() first.
  const cssVar = (el, name, fallback) => {
    const probe = document.createElement('span');
    probe.hidden = true;
    probe.style.color = `var(${name}, ${fallback})`;
    el.appendChild(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour || fallback;
  };
  const percent = new Intl.NumberFormat(document.documentElement.lang || 'en', {
    style: 'percent',
    maximumFractionDigits: 1,
  });

  class OpTimeseries extends HTMLElement {
    connectedCallback() {
      if (this.plot || typeof uPlot !== 'function') return;
      this.series = JSON.parse(this.dataset.series || '[]');
      // The last hour, in columns (charts.tsx encodeHistory): t0 in ms, dt in seconds, one array per series.
      const history = JSON.parse(this.dataset.history || '{}');
      const points = [];
      let at = Math.floor((history.t0 || 0) / 1000);
      (history.dt || []).forEach((d, i) => {
        at += d;
        const p = { t: at * 1000 };
        for (const s of this.series) p[s.key] = history[s.key] ? history[s.key][i] : null;
        points.push(p);
      });
      this.cap = this.dataset.cap ? JSON.parse(this.dataset.cap) : undefined;
      this.data = [[], ...this.series.map(() => [])];
      for (const p of points) this.push(p);
      const colours = [1, 2, 3, 4].map((i) => cssVar(this, `--op-series-${i}`, '#1f6feb'));
      const hasShare = this.series.some((s) => s.scale === 'share');
      const pct = (_u, values) => values.map((v) => percent.format(v));
      const text = cssVar(this, '--op-text', '#1b1f24');
      const grid = { stroke: cssVar(this, '--op-line', '#d0d7de'), width: 1 };
      const opts = {
        width: Math.max(240, this.clientWidth || 480),
        height: 180,
        legend: { show: true },
        // The time axis in the user's zone (the tables and summaries use it too), not the browser's.
        ...(this.dataset.tz ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), this.dataset.tz) } : {}),
        scales: { x: { time: true }, share: { range: [0, 1] }, count: {} },
        axes: [
          { stroke: text, grid, ticks: grid },
          hasShare
            ? { scale: 'share', values: pct, size: 64, stroke: text, grid, ticks: grid }
            : { scale: 'count', size: 56, stroke: text, grid, ticks: grid },
          ...(hasShare && this.series.some((s) => s.scale === 'count')
            ? [{ scale: 'count', side: 1, size: 56, grid: { show: false }, stroke: text }]
            : []),
        ],
        series: [
          {},
          ...this.series.map((s, i) => ({
            label: s.label,
            scale: s.scale,
            stroke: colours[i % colours.length],
            width: 2,
            dash: s.dash ? s.dash.split(' ').map(Number) : undefined,
          })),
        ],
        hooks: this.cap
          ? {
              draw: [
                (u) => {
                  const y = u.valToPos(this.cap.value, 'share', true);
                  const ctx = u.ctx;
                  ctx.save();
                  ctx.strokeStyle = cssVar(this, '--op-danger', '#b42318');
                  ctx.setLineDash([6, 4]);
                  ctx.beginPath();
                  ctx.moveTo(u.bbox.left, y);
                  ctx.lineTo(u.bbox.left + u.bbox.width, y);
                  ctx.stroke();
                  ctx.fillStyle = ctx.strokeStyle;
                  ctx.fillText(this.cap.label, u.bbox.left + 4, y - 4);
                  ctx.restore();
                },
              ],
            }
          : {},
      };
      this.plot = new uPlot(opts, this.data, this);
      this.addEventListener('htmx:sseBeforeMessage', (event) => {
        event.preventDefault();
        try {
          this.push(JSON.parse(event.detail.data));
          this.plot.setData(this.data);
        } catch {
          // A malformed point is skipped; the next one redraws.
        }
      });
    }

    push(point) {
      const t = Math.floor((point.t ?? Date.now()) / 1000);
      const xs = this.data[0];
      if (xs.length > 0 && xs[xs.length - 1] >= t) return;
      xs.push(t);
      this.series.forEach((s, i) => {
        const v = point[s.key];
        this.data[i + 1].push(typeof v === 'number' ? v : null);
      });
      while (xs.length > 0 && xs[0] < t - HORIZON_S) for (const column of this.data) column.shift();
    }
  }
  if (!customElements.get('op-timeseries')) customElements.define('op-timeseries', OpTimeseries);
})();
