import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportJob } from '@outpace/core';
import type { CheckResult } from '../services/compliance.js';
import type { DryRunResult } from '../services/imports.js';
import type { Backend, ImportProgress, ImportRequest, ImportSummary, ListLine } from './backend.js';
import { CliError, EXIT_USAGE } from './errors.js';

/** Options of {@link openHttpBackend}. */
export interface HttpBackendOptions {
  /** Base URL of the server (`http://localhost:3000`). */
  url: string;
  /** An API key (`opk_…`), from `OUTPACE_API_KEY`. */
  apiKey: string | undefined;
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** Checks the server URL and the API key before any request. */
export function resolveServer(url: string, apiKey: string | undefined): { base: URL; apiKey: string } {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new CliError(`--server "${url}" is not a URL; write it like --server http://localhost:3000.`, EXIT_USAGE);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new CliError(`--server "${url}" must be an http:// or https:// URL.`, EXIT_USAGE);
  }
  if (apiKey === undefined || apiKey.trim() === '') {
    throw new CliError(
      'OUTPACE_API_KEY is not set: create an API key (POST /api/v1/api-keys, or the console) and export OUTPACE_API_KEY=opk_… before using --server.',
      EXIT_USAGE,
    );
  }
  return { base, apiKey: apiKey.trim() };
}

const CRLF = '\r\n';

/** A multipart/form-data body streamed from the file: the fields, then the file; with its exact length. */
async function multipartBody(fields: Record<string, string>, file: string, onRead: (bytes: number) => void) {
  const boundary = `----outpace-cli-${process.pid}-${Date.now().toString(36)}`;
  const head = Buffer.from(
    Object.entries(fields)
      .map(
        ([name, value]) =>
          `--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}${value}${CRLF}`,
      )
      .join('') +
      `--${boundary}${CRLF}Content-Disposition: form-data; name="file"; filename="${basename(file).replaceAll('"', '_')}"${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}`,
  );
  const tail = Buffer.from(`${CRLF}--${boundary}--${CRLF}`);
  const size = (await stat(file)).size;
  async function* body(): AsyncIterable<Uint8Array> {
    yield head;
    let read = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      read += (chunk as Buffer).length;
      onRead(read);
      yield chunk as Buffer;
    }
    yield tail;
  }
  return {
    body: body(),
    length: head.length + size + tail.length,
    size,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/**
 * A running server's API, authenticated with an API key. Errors come back as
 * the server's `{ error: { code, message } }`, shown as they are.
 */
export function openHttpBackend(options: HttpBackendOptions): Backend {
  const { base, apiKey } = resolveServer(options.url, options.apiKey);
  const url = (path: string) => new URL(path, base).toString();

  const request = async (path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${apiKey}`);
    let res: Response;
    try {
      res = await fetch(url(path), { ...init, headers });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `Cannot reach the server at ${base.origin} (${cause?.code ?? cause?.message ?? String(err)}); start it with "npm start" or correct --server.`,
      );
    }
    if (!res.ok) {
      const text = await res.text();
      let body: ErrorBody | undefined;
      try {
        body = JSON.parse(text) as ErrorBody;
      } catch {
        body = undefined;
      }
      const code = body?.error?.code ?? `HTTP ${res.status}`;
      const message = body?.error?.message ?? text.slice(0, 500);
      const hint = res.status === 401 ? ' Check OUTPACE_API_KEY (the key may be revoked or expired).' : '';
      throw new CliError(
        `The server refused ${init.method ?? 'GET'} ${path}: ${res.status} ${code}: ${message}${hint}`,
      );
    }
    return res;
  };
  const json = async <T>(path: string, init?: RequestInit): Promise<T> =>
    (await (await request(path, init)).json()) as T;
  const post = <T>(path: string, body: unknown) =>
    json<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const streamTo = async (res: Response, write: (chunk: string) => Promise<void>) => {
    if (res.body === null) return;
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      await write(decoder.decode(chunk, { stream: true }));
    }
    const rest = decoder.decode();
    if (rest !== '') await write(rest);
  };
  const listsPath = (kind: ImportRequest['kind']) =>
    kind === 'contacts' ? '/api/v1/lists' : '/api/v1/suppression-lists';

  return {
    where: `server ${base.origin}`,
    async importFile(req: ImportRequest, progress: ImportProgress): Promise<ImportSummary> {
      const fields = Object.fromEntries(Object.entries(req.options).map(([k, v]) => [k, String(v)]));
      const upload = await multipartBody(fields, req.file, progress.bytes);
      progress.start(upload.size);
      try {
        const path =
          req.listId === undefined
            ? `${listsPath(req.kind)}/imports`
            : `${listsPath(req.kind)}/${encodeURIComponent(req.listId)}/imports`;
        const res = await request(path, {
          method: 'POST',
          headers: { 'content-type': upload.contentType, 'content-length': String(upload.length) },
          body: upload.body as unknown as NonNullable<RequestInit['body']>,
          duplex: 'half',
        });
        const answer = (await res.json()) as ImportJob | DryRunResult;
        if ('dryRun' in answer && answer.dryRun === true) return { dryRun: true, result: answer };
        let job = answer as ImportJob;
        while (job.state === 'queued' || job.state === 'running') {
          progress.counters(job);
          await new Promise((r) => setTimeout(r, 250));
          job = await json<ImportJob>(`/api/v1/imports/${job.id}`);
        }
        progress.counters(job);
        const rejects =
          job.rejectedLines > 0
            ? (
                await json<{ items: { line: number; issues: { message: string }[] }[] }>(
                  `/api/v1/imports/${job.id}/reports?rejectedOnly=true&limit=10`,
                )
              ).items.map((r) => ({ line: r.line, messages: r.issues.map((i) => i.message) }))
            : [];
        return { dryRun: false, job, rejects };
      } finally {
        progress.stop();
      }
    },
    async writeRejects(jobId, write) {
      let count = 0;
      await streamTo(await request(`/api/v1/imports/${encodeURIComponent(jobId)}/artifacts/rejects`), async (chunk) => {
        count += chunk.split('\n').length - 1;
        await write(chunk);
      });
      return count;
    },
    async exportList(req, write) {
      const query = new URLSearchParams();
      if (req.selectionRuleId !== undefined) query.set('selectionRuleId', req.selectionRuleId);
      if (req.selection !== undefined) query.set('selection', JSON.stringify(req.selection));
      if (req.delimiter !== undefined) query.set('delimiter', req.delimiter);
      if (req.deviceDetails !== undefined) query.set('deviceDetails', String(req.deviceDetails));
      const qs = query.toString();
      await streamTo(
        await request(`${listsPath(req.kind)}/${encodeURIComponent(req.listId)}/export${qs === '' ? '' : `?${qs}`}`),
        write,
      );
    },
    check: (input) => post<CheckResult>('/api/v1/compliance/check', input),
    async lists(kind) {
      const page = await json<{ items: ListLine[] }>(`${listsPath(kind)}?limit=1000`);
      return page.items.map((l) => ({ id: l.id, name: l.name, size: l.size }));
    },
    async close() {},
  };
}
