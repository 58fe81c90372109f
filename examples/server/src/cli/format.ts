import type { CheckResult } from '../services/compliance.js';
import type { ImportSummary, ListKind } from './backend.js';

const n = (v: number) => v.toLocaleString('en-US');

/** An import's outcome as lines for a terminal. */
export function formatImport(
  file: string,
  kind: ListKind,
  summary: ImportSummary,
  rejectsFile: string | undefined,
  rejectsWritten: number | undefined,
): string {
  const what = kind === 'contacts' ? 'contact list' : 'suppression list';
  const lines: string[] = [];
  if (summary.dryRun) {
    const c = summary.result.counters;
    lines.push(
      `Dry run of ${file}: ${n(c.acceptedLines)} lines would be accepted, ${n(c.rejectedLines)} rejected, of ${n(c.totalLines)}; nothing stored.`,
    );
    for (const r of summary.result.reports.filter((r) => r.rejected).slice(0, 10)) {
      lines.push(`  line ${r.line}: ${r.issues.map((i) => i.message).join(' ')}`);
    }
    return `${lines.join('\n')}\n`;
  }
  const job = summary.job;
  const lists = job.listIds.length === 0 ? `a new ${what}` : `${what} ${job.listIds.join(', ')}`;
  if (job.state !== 'completed') {
    lines.push(
      `Import of ${file} into ${lists} ${job.state}: ${job.error?.code ?? ''}${job.error === undefined ? '' : ': '}${job.error?.message ?? 'no reason recorded'} Nothing was stored (job ${job.id}).`,
    );
  } else {
    lines.push(
      `Imported ${file} into ${lists}: ${n(job.acceptedLines)} accepted, ${n(job.rejectedLines)} rejected of ${n(job.totalLines)} lines (${n(job.insertedRecords)} added, ${n(job.updatedRecords)} updated; job ${job.id}).`,
    );
  }
  if (summary.rejects.length > 0) {
    lines.push(
      job.rejectedLines > summary.rejects.length
        ? `First ${summary.rejects.length} rejected lines:`
        : 'Rejected lines:',
    );
    for (const r of summary.rejects) lines.push(`  line ${r.line}: ${r.messages.join(' ')}`);
  }
  if (rejectsFile !== undefined && rejectsWritten !== undefined) {
    lines.push(`Rejected lines written to ${rejectsFile} (${n(rejectsWritten)}).`);
  } else if (job.rejectedLines > 0) {
    lines.push('Add --rejects <file> to save the rejected lines, fix them and import them again.');
  }
  return `${lines.join('\n')}\n`;
}

/** A compliance decision as lines for a terminal. */
export function formatCheck(d: CheckResult): string {
  const lines = [`${d.allowed ? 'ALLOWED' : 'BLOCKED'}  ${d.device} at ${d.atIso}`];
  const { zones, jurisdictions, status } = d.location;
  lines.push(
    `  location: ${status}${zones.length === 0 ? '' : `, ${zones.join(', ')}`}${jurisdictions.length === 0 ? '' : ` (${jurisdictions.join(', ')})`}`,
  );
  for (const r of d.reasons) {
    const where = [r.jurisdiction, r.zone].filter((v) => v !== undefined).join(' ');
    lines.push(`  - ${r.code} ${r.rule}${where === '' ? '' : ` (${where})`}: ${r.message}`);
  }
  if (!d.allowed) {
    lines.push(
      d.nextAllowedAtIso === undefined
        ? '  next allowed: none by time alone (another kind of reason blocks, or no allowed instant within the horizon)'
        : `  next allowed: ${d.nextAllowedAtIso}`,
    );
  }
  lines.push(`  rule sets: ${d.ruleSets.map((s) => `${s.id}@${s.version}`).join(', ') || 'none'}`);
  return `${lines.join('\n')}\n`;
}
