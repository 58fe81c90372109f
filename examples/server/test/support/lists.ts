import type { ImportJob } from '@outpace/core';
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** A logged-in caller (see `Harness['login']`). */
export type Caller = Awaited<ReturnType<Harness['login']>>;

/** A multipart/form-data body built by hand, so tests can truncate or stream it. */
export function multipart(
  fields: Record<string, string>,
  file?: { name?: string; fileName?: string; content: string | Buffer; type?: string },
  boundary = '----outpace-test-boundary-7MA4YWxkTrZu0gW',
): { body: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file !== undefined) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"; filename="${file.fileName ?? 'list.csv'}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
      typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a multipart upload. */
export function upload(
  caller: Caller,
  path: string,
  fields: Record<string, string>,
  file?: Parameters<typeof multipart>[1],
): Promise<Response> {
  const { body, contentType } = multipart(fields, file);
  return caller.call(path, { method: 'POST', headers: { 'content-type': contentType }, body });
}

/** Polls an import job until it has finished (completed, failed or aborted). */
export async function waitForJob(caller: Caller, jobId: string, timeoutMs = 10_000): Promise<ImportJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await caller.call(`/api/v1/imports/${jobId}`);
    expect(res.status).toBe(200);
    const job = (await res.json()) as ImportJob;
    if (job.state !== 'queued' && job.state !== 'running') return job;
    if (Date.now() > deadline) throw new Error(`import job ${jobId} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Uploads a file and waits for its import job to finish; returns the finished job. */
export async function importAndWait(
  caller: Caller,
  path: string,
  fields: Record<string, string>,
  file: Parameters<typeof multipart>[1],
): Promise<ImportJob> {
  const res = await upload(caller, path, fields, file);
  const body = (await res.json()) as ImportJob;
  expect(res.status, JSON.stringify(body)).toBe(202);
  return waitForJob(caller, body.id);
}

/** Reads a JSON response body. */
export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/**
 * Everything a tenant's list area holds, read straight from the store: lists
 * with their contacts, suppression lists with their entries, rules, spec
 * files, data mappings, labels and import jobs. Tests compare it before and
 * after a refused request to prove nothing changed.
 */
export async function listAreaSnapshot(h: Harness, tenantId: string): Promise<string> {
  const t = h.store.forTenant(tenantId);
  const all = async <T>(page: (after?: string) => Promise<{ items: T[]; nextCursor: string | null }>) => {
    const out: T[] = [];
    let after: string | undefined;
    do {
      const p = await page(after);
      out.push(...p.items);
      after = p.nextCursor ?? undefined;
    } while (after !== undefined);
    return out;
  };
  const opts = (after?: string) => ({ limit: 1000, ...(after === undefined ? {} : { after }) });
  const lists = await all((a) => t.lists.list(opts(a)));
  const contacts = await Promise.all(lists.map((l) => all((a) => t.contacts.list(l.id, opts(a)))));
  const suppression = await all((a) => t.suppression.listLists(opts(a)));
  const entries = await Promise.all(suppression.map((l) => all((a) => t.suppression.listEntries(l.id, opts(a)))));
  return JSON.stringify({
    lists,
    contacts,
    suppression,
    entries,
    rules: await all((a) => t.listRules.list(opts(a))),
    specs: await all((a) => t.specFiles.list(opts(a))),
    mappings: await all((a) => t.dataMappings.list(opts(a))),
    labels: await all((a) => t.labels.list(opts(a))),
  });
}
