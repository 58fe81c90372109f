import { mkdirSync, writeFileSync } from 'node:fs';
import type { DriftResult } from './drift.js';
import type { PolicyResult } from './run.js';
import { type Scenario, TARGET } from './scenarios.js';

export interface ScenarioReport {
  scenario: Scenario;
  optimum: { occupancy: number; abandonRate: number; meanDials: number; variables: number; seconds: number };
  plan: { replications: number; hoursPerReplication: number; warmupHours: number; liveAnswersTarget: number };
  tuned: { idleRatio: number; constantRatePerMinute: number };
  results: PolicyResult[];
}

export interface BenchmarkData {
  quick: boolean;
  elapsedSeconds: number;
  cpus: number;
  /** os.loadavg() (1, 5, 15 min) when the run started and ended: the machine is shared. */
  loadAverage: { before: number[]; after: number[] };
  node: string;
  grid: ScenarioReport[];
  realistic: ScenarioReport[];
  small: ScenarioReport[];
  drift: { scenario: Scenario; results: DriftResult[] } | undefined;
}

export interface Goal {
  id: string;
  goal: string;
  measured: string;
  met: boolean;
}

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const POLICY_ORDER = [
  'predictive',
  'predictive-unguarded',
  'lp-optimal',
  'tuned-ratio',
  'vicidial-adapt',
  'constant-rate',
  'progressive',
];
const COLORS: Record<string, string> = {
  predictive: '#d62728',
  'predictive-unguarded': '#ff7f0e',
  'lp-optimal': '#1f77b4',
  'tuned-ratio': '#2ca02c',
  'vicidial-adapt': '#9467bd',
  'constant-rate': '#8c564b',
  progressive: '#7f7f7f',
};

const find = (report: ScenarioReport, policy: string) => report.results.find((r) => r.policy === policy)!;

/** Checks the issue's goals against the measured figures. */
export function evaluateGoals(data: BenchmarkData): Goal[] {
  const goals: Goal[] = [];
  for (const report of data.grid) {
    const p = find(report, 'predictive');
    const need = report.scenario.agents >= 10 ? 0.97 : 0.9;
    goals.push({
      id: `G1 ${report.scenario.id}`,
      goal: `≥ ${pct(need, 0)} of the LP optimum, abandonment ≤ 3%`,
      measured: `${pct(p.shareOfOptimum ?? 0, 1)} of ${report.optimum.occupancy.toFixed(3)}, abandonment ${pct(p.abandonment.value)} ± ${(p.abandonment.halfWidth * 100).toFixed(2)} pt`,
      met: (p.shareOfOptimum ?? 0) >= need && p.abandonment.value <= TARGET,
    });
  }
  for (const report of data.realistic) {
    // Goals are checked for the default options only; the unguarded variant is shown for comparison.
    for (const p of report.results.filter((r) => r.policy === 'predictive')) {
      goals.push({
        id: `G2 ${report.scenario.id}`,
        goal: 'occupancy ≥ 0.86 at ≤ 3% abandonment',
        measured: `${p.occupancy.value.toFixed(3)} at ${pct(p.abandonment.value)} ± ${(p.abandonment.halfWidth * 100).toFixed(2)} pt`,
        met: p.occupancy.value >= 0.86 && p.abandonment.value <= TARGET,
      });
    }
  }
  for (const p of data.drift?.results.filter((r) => r.policy === 'predictive') ?? []) {
    goals.push({
      id: 'G3 drift recovery',
      goal: 'rolling 15-min abandonment back under 3% within 5 min of the step',
      measured:
        p.recovery15Minutes === null
          ? 'not within the hour'
          : `${p.recovery15Minutes.toFixed(1)} min (pooled over ${p.seeds} seeds)`,
      met: p.recovery15Minutes !== null && p.recovery15Minutes <= 5,
    });
    goals.push({
      id: 'G3 drift rolling hour',
      goal: 'rolling 1-h abandonment never above 3% after the step',
      measured: `max ${pct(p.maxRolling60)}; ${p.seedsOver60} of ${p.seeds} seeds above`,
      met: p.maxRolling60 <= TARGET,
    });
  }
  for (const report of data.small) {
    const p = find(report, 'predictive');
    const base = find(report, 'progressive');
    goals.push({
      id: `G5 ${report.scenario.id}`,
      goal: 'never below progressive, abandonment ≤ 3%',
      measured: `${p.occupancy.value.toFixed(3)} vs ${base.occupancy.value.toFixed(3)}, ${pct(p.abandonment.value)}`,
      met: p.occupancy.value >= base.occupancy.value && p.abandonment.value <= TARGET,
    });
  }
  return goals;
}

/** Occupancy against abandonment per policy, one panel per steady-state scenario. */
export function renderSvg(reports: ScenarioReport[]): string {
  const columns = 5;
  const panelW = 210;
  const panelH = 170;
  const margin = { left: 38, right: 10, top: 22, bottom: 28 };
  const legendH = 40;
  const rows = Math.ceil(reports.length / columns);
  const width = columns * panelW + 20;
  const height = rows * panelH + legendH + 20;
  const xMax = 0.06;
  const yMin = 0.3;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  );
  const present = POLICY_ORDER.filter((policy) => reports.some((r) => r.results.some((x) => x.policy === policy)));
  // Legend entries side by side, each as wide as its label (about 6 px a character at 10 px sans-serif).
  let x = 20;
  for (const policy of present) {
    const label = labelOf(reports, policy);
    parts.push(
      `<circle cx="${x}" cy="18" r="5" fill="${COLORS[policy]}"/>`,
      `<text x="${x + 9}" y="22">${label}</text>`,
    );
    x += 9 + label.length * 6 + 22;
  }
  parts.push(
    `<text x="20" y="36" fill="#555">x: abandonment (0–6%, dashed: the 3% limit; beyond 6% drawn at the edge) · y: occupancy (0.3–1; dotted: LP optimum)</text>`,
  );
  reports.forEach((report, index) => {
    const ox = 10 + (index % columns) * panelW;
    const oy = legendH + Math.floor(index / columns) * panelH;
    const w = panelW - margin.left - margin.right;
    const h = panelH - margin.top - margin.bottom;
    const px = (ab: number) => ox + margin.left + (Math.min(ab, xMax) / xMax) * w;
    const py = (occ: number) => oy + margin.top + (1 - (Math.max(occ, yMin) - yMin) / (1 - yMin)) * h;
    parts.push(
      `<text x="${ox + margin.left}" y="${oy + 14}" font-weight="bold">${report.scenario.title}</text>`,
      `<rect x="${ox + margin.left}" y="${oy + margin.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
      `<line x1="${px(0.03)}" y1="${oy + margin.top}" x2="${px(0.03)}" y2="${oy + margin.top + h}" stroke="#444" stroke-dasharray="4 3"/>`,
      `<line x1="${ox + margin.left}" y1="${py(report.optimum.occupancy)}" x2="${ox + margin.left + w}" y2="${py(report.optimum.occupancy)}" stroke="#1f77b4" stroke-dasharray="1 2"/>`,
    );
    for (const tick of [0.4, 0.6, 0.8, 1]) {
      parts.push(
        `<text x="${ox + margin.left - 4}" y="${py(tick) + 3}" text-anchor="end" fill="#555">${tick.toFixed(1)}</text>`,
      );
    }
    for (const tick of [0, 0.03, 0.06]) {
      parts.push(
        `<text x="${px(tick)}" y="${oy + margin.top + h + 12}" text-anchor="middle" fill="#555">${tick * 100}%</text>`,
      );
    }
    for (const policy of POLICY_ORDER) {
      const r = report.results.find((x) => x.policy === policy);
      if (!r) continue;
      const x = px(r.abandonment.value);
      const y = py(r.occupancy.value);
      const shape = policy.startsWith('predictive')
        ? `<rect x="${x - 4.5}" y="${y - 4.5}" width="9" height="9" fill="${COLORS[policy]}" stroke="#000" stroke-width="0.6"/>`
        : `<circle cx="${x}" cy="${y}" r="4" fill="${COLORS[policy]}" fill-opacity="0.85"/>`;
      parts.push(
        `<g><title>${r.label}: occupancy ${r.occupancy.value.toFixed(3)}, abandonment ${pct(r.abandonment.value)}</title>${shape}</g>`,
      );
    }
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function labelOf(reports: ScenarioReport[], policy: string): string {
  for (const report of reports) {
    const hit = report.results.find((r) => r.policy === policy);
    if (hit) return hit.label;
  }
  return policy;
}

function steadyTable(reports: ScenarioReport[]): string[] {
  const lines: string[] = [];
  const present = POLICY_ORDER.filter((policy) => reports.some((r) => r.results.some((x) => x.policy === policy)));
  const header = ['Scenario', 'LP opt.', ...present.map((id) => labelOf(reports, id))];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const report of reports) {
    const cells = present.map((id) => {
      const r = report.results.find((x) => x.policy === id);
      if (!r) return '–';
      const share = r.shareOfOptimum === undefined ? '' : ` (${pct(r.shareOfOptimum, 1)})`;
      return `${r.occupancy.value.toFixed(3)}${share}<br>${pct(r.abandonment.value)}`;
    });
    lines.push(`| ${report.scenario.title} | ${report.optimum.occupancy.toFixed(3)} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function predictiveDetail(reports: ScenarioReport[], policy = 'predictive'): string[] {
  const lines = [
    '| Scenario | Occupancy ± 95% | Abandonment ± 95% (batch means / binomial) | Live answers | Rolling 15 min max / share over 3% | Rolling 1 h max / share over 3% | Dials per agent-h | Agent wait s | CPU s |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const report of reports) {
    const r = report.results.find((x) => x.policy === policy);
    if (!r) continue;
    lines.push(
      `| ${report.scenario.title} | ${r.occupancy.value.toFixed(3)} ± ${r.occupancy.halfWidth.toFixed(3)} | ${pct(r.abandonment.value)} ± ${(r.abandonment.halfWidth * 100).toFixed(2)} / ${(r.abandonmentBinomialHalfWidth * 100).toFixed(2)} pt | ${r.liveAnswers} | ${pct(r.rolling15.max, 1)} / ${pct(r.rolling15.overShare, 0)} | ${pct(r.rolling60.max, 1)} / ${pct(r.rolling60.overShare, 0)} | ${r.dialsPerAgentHour.toFixed(0)} | ${r.agentWaitSeconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} |`,
    );
  }
  return lines;
}

export function renderMarkdown(data: BenchmarkData, goals: Goal[]): string {
  const lines: string[] = [];
  lines.push(
    '# Pacing benchmark',
    '',
    `Generated by \`npm run bench:pacing${data.quick ? ' -- --quick' : ''}\` in ${(data.elapsedSeconds / 60).toFixed(1)} min on ${data.cpus} shared CPU(s) with Node ${data.node} (load average ${data.loadAverage.before.map((x) => x.toFixed(1)).join(' / ')} at the start, ${data.loadAverage.after.map((x) => x.toFixed(1)).join(' / ')} at the end). Figures come from seeded simulations and repeat exactly; run times are noisy because other work shares the machine. Method: [docs/dialer.md](../dialer.md#the-benchmark). Raw figures: [pacing.json](pacing.json).`,
    '',
    '![Occupancy against abandonment per policy](pacing.svg)',
    '',
    '## Goals',
    '',
    '| Goal | Target | Measured | Met |',
    '|---|---|---|---|',
    ...goals.map((g) => `| ${g.id} | ${g.goal} | ${g.measured} | ${g.met ? 'yes' : '**no**'} |`),
    '',
  );
  if (data.grid.length > 0) {
    lines.push(
      '## S1: the grid (exponential ring 15 s, handle 120 s, 2 s grace, 3% limit)',
      '',
      'Each cell: occupancy (share of the LP optimum) and campaign abandonment. The tuned fixed ratio is tuned by bisection on the same random numbers it is scored on (hindsight), so it is an upper bound for any fixed ratio, not a deployable policy.',
      '',
      ...steadyTable(data.grid),
      '',
      'Outpace predictive in detail:',
      '',
      ...predictiveDetail(data.grid),
      '',
    );
  }
  if (data.realistic.length > 0) {
    lines.push(
      '## S2: the realistic mix (N = 20)',
      '',
      'Live 25% (lognormal 8 s), no answer 45% (25 s timeout), machines 20% (8 s + 4 s AMD verdict), busy 7% and SIT 3% (4 s); talk lognormal 100 s (CV 1) + 20 s wrap. The LP optimum is for the exponential model with the same means.',
      '',
      ...steadyTable(data.realistic),
      '',
      'Outpace predictive (default options, then without the rolling guards) in detail:',
      '',
      ...predictiveDetail(data.realistic),
      ...predictiveDetail(data.realistic, 'predictive-unguarded').slice(2),
      '',
    );
  }
  if (data.drift) {
    lines.push(
      '## S3: answer-rate drift (realistic mix, N = 20, live share 0.25 → 0.35 two hours in)',
      '',
      "Rolling windows are pooled over the seeds (abandons and live answers summed per 10 s bucket), so the recovery time measures the systematic transient rather than one seed's noise. Recovery: minutes after the step until the pooled rolling rate stays at or under 3% for the rest of the hour. The rolling 1 h column is stricter: every seed on its own, every full hour ending after the step.",
      '',
      '| Policy | Occupancy before / after | Abandonment before / after | Recovery, rolling 15 min | Recovery, rolling 5 min | Peak rolling 15 min (pooled / mean of seeds) | Max rolling 1 h after the step (seeds over 3%) |',
      '|---|---|---|---|---|---|---|',
      ...data.drift.results.map(
        (r) =>
          `| ${r.label} | ${r.occupancyBefore.toFixed(3)} / ${r.occupancyAfter.toFixed(3)} | ${pct(r.abandonmentBefore)} / ${pct(r.abandonmentAfter)} | ${r.recovery15Minutes === null ? 'not within the hour' : `${r.recovery15Minutes.toFixed(1)} min`} | ${r.recovery5Minutes === null ? 'not within the hour' : `${r.recovery5Minutes.toFixed(1)} min`} | ${pct(r.peakPooled15, 1)} / ${pct(r.meanPeak15, 1)} | ${pct(r.maxRolling60)} (${r.seedsOver60}/${r.seeds}) |`,
      ),
      '',
    );
    for (const p of data.drift.results.filter((r) => r.policy.startsWith('predictive'))) {
      lines.push(
        `${p.label}, pooled rolling 15-min abandonment by minute after the step: ${p.curve
          .filter((x) => x.minute <= 30)
          .map((x) => `${x.minute.toFixed(0)}′ ${pct(x.rate, 1)}`)
          .join(', ')}.`,
        '',
      );
    }
  }
  if (data.small.length > 0) {
    lines.push(
      '## S5: small teams (realistic mix)',
      '',
      ...steadyTable(data.small),
      '',
      ...predictiveDetail(data.small),
      '',
    );
  }
  lines.push(
    '## Run sizes',
    '',
    '| Scenario | Replications × hours (after a 0.5 h warm-up) | Live answers targeted (±0.3 pt at 3%) | LP variables | LP solve s | Tuned ratio x | Tuned constant rate /min |',
    '|---|---|---|---|---|---|---|',
    ...[...data.grid, ...data.realistic, ...data.small].map(
      (r) =>
        `| ${r.scenario.title} | ${r.plan.replications} × ${r.plan.hoursPerReplication.toFixed(2)} | ${r.plan.liveAnswersTarget} | ${r.optimum.variables} | ${r.optimum.seconds.toFixed(1)} | ${r.tuned.idleRatio.toFixed(2)} | ${r.tuned.constantRatePerMinute.toFixed(1)} |`,
    ),
    '',
  );
  return `${lines.join('\n')}\n`;
}

/** Writes docs/benchmarks/pacing.json, pacing.md and pacing.svg. */
export function writeReport(data: BenchmarkData): Goal[] {
  const goals = evaluateGoals(data);
  mkdirSync('docs/benchmarks', { recursive: true });
  writeFileSync(
    'docs/benchmarks/pacing.json',
    `${JSON.stringify({ generatedBy: 'npm run bench:pacing', ...data, goals }, null, 1)}\n`,
  );
  writeFileSync('docs/benchmarks/pacing.svg', renderSvg([...data.grid, ...data.realistic, ...data.small]));
  writeFileSync('docs/benchmarks/pacing.md', renderMarkdown(data, goals));
  return goals;
}
