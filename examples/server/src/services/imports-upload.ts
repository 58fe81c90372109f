import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImportJob } from '@outpace/core';
import { isOutpaceError, OutpaceError } from '@outpace/core';
import busboy from 'busboy';
import type { DryRunResult, ImportOutcome, PreparedImport } from './imports.js';

/** What an upload became: a started job, or a dry run's result. */
export type UploadOutcome<R = DryRunResult> = { dryRun: true; result: R } | { dryRun: false; job: ImportJob };

/**
 * What a handler's `start` gives back: a result read from the file without
 * storing anything (a dry run, a preview), or a job running in the background.
 */
export type UploadStart<R = DryRunResult> =
  | { dryRun: true; result: R }
  | { dryRun: false; job: ImportJob; done: Promise<ImportOutcome> };

/** How {@link receiveUpload} turns the form into an import. */
export interface UploadHandlers<P = PreparedImport, R = DryRunResult> {
  /** Checks the form fields (all sent before the file) and the file name; must have no side effect. */
  prepare(fields: Record<string, string>, fileName: string | undefined): Promise<P>;
  /**
   * Starts the import over the file's bytes (see `startImport`). A result that
   * does not need the whole file (a preview) may stop reading early.
   */
  start(prepared: P, input: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<UploadStart<R>>;
  /** Reads the job once the upload is complete, for the response. */
  job(id: string): Promise<ImportJob>;
}

/** Limits of the multipart form besides the total size. */
const FORM_LIMITS = { fields: 40, parts: 41, files: 1, fieldNameSize: 64, fieldSize: 300 * 1024, headerPairs: 20 };

function incomplete(reason: string): OutpaceError {
  return new OutpaceError(
    'UPLOAD_INCOMPLETE',
    `The upload broke off before the form was complete (${reason}); nothing was imported. Send the whole file again.`,
    { details: { reason } },
  );
}

function tooLarge(max: number): OutpaceError {
  return new OutpaceError(
    'PAYLOAD_TOO_LARGE',
    `The upload is larger than ${max} bytes; nothing was imported. Split the file, or compress it (gzip or zip).`,
    { details: { maxBytes: max } },
  );
}

/** Counts the bytes of the request body and fails once they pass the limit. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) cb(tooLarge(this.max));
    else cb(null, chunk);
  }
}

/**
 * Receives a `multipart/form-data` upload as a stream and feeds its one file
 * part to an import while it arrives: the body is never held whole, in memory
 * or on disk. Form fields must come before the file part (`curl -F` sends them
 * in the order given). The file's end is handed to the import only once the
 * whole form has arrived intact, so a truncated form, a client that goes away
 * mid-upload or an upload over `maxBytes` aborts the import with nothing
 * stored and rejects with `UPLOAD_INCOMPLETE` (400) or `PAYLOAD_TOO_LARGE`
 * (413). Invalid form fields reject at once (400/404, nothing created).
 * Otherwise it resolves once the upload is complete, with the import's job
 * (however the import is doing: a failure shows in the job's state and error)
 * or with a dry run's result (a failing dry run rejects with its error).
 */
export async function receiveUpload<P = PreparedImport, R = DryRunResult>(
  request: Request,
  handlers: UploadHandlers<P, R>,
  options: { maxBytes: number },
): Promise<UploadOutcome<R>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new OutpaceError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the upload as multipart/form-data: the form fields first, then the file part (curl -F name=… -F file=@list.csv).',
      { details: { contentType } },
    );
  }
  if (request.body === null) throw new OutpaceError('UPLOAD_FILE_MISSING', 'The upload has no body; attach the file.');
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: FORM_LIMITS, defParamCharset: 'utf8' });
  } catch (error) {
    throw new OutpaceError(
      'UPLOAD_MALFORMED',
      `The multipart Content-Type header is unusable (${(error as Error).message}); let the client set it with its boundary.`,
    );
  }

  return new Promise<UploadOutcome<R>>((resolve, reject) => {
    const fields: Record<string, string> = {};
    const controller = new AbortController();
    let file: Readable | undefined;
    let started: Promise<UploadStart<R>> | undefined;
    let settled = false;
    let uploadError: OutpaceError | undefined;
    let uploadDone = false;
    const uploadWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

    const fail = (error: unknown) => {
      if (!controller.signal.aborted) controller.abort(error);
      // Keep reading (and discarding) the rest of the body so the parser ends.
      file?.resume();
      if (settled) return;
      settled = true;
      reject(error);
    };
    const succeed = (outcome: UploadOutcome<R>) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    /** Resolves once the whole form has arrived intact. */
    const uploadComplete = () =>
      new Promise<void>((res, rej) => {
        if (uploadError !== undefined) rej(uploadError);
        else if (uploadDone) res();
        else uploadWaiters.push({ resolve: res, reject: rej });
      });

    async function* gated(stream: Readable): AsyncIterable<Uint8Array> {
      try {
        for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
      } catch (error) {
        // The parser destroys the file part when the form breaks; say so in the job.
        throw isOutpaceError(error) ? error : (uploadError ?? incomplete((error as Error)?.message ?? String(error)));
      }
      // The file part ended; its end counts only when the whole form did.
      await uploadComplete();
    }

    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (file !== undefined) {
        fail(
          new OutpaceError(
            'UPLOAD_FIELD_AFTER_FILE',
            `Form field "${name}" comes after the file; send every field before the file part. Nothing was imported.`,
            { details: { field: name } },
          ),
        );
        return;
      }
      if (info.valueTruncated || info.nameTruncated) {
        fail(
          new OutpaceError(
            'UPLOAD_FIELD_TOO_LARGE',
            `Form field "${name}" is larger than ${FORM_LIMITS.fieldSize} bytes.`,
            {
              details: { field: name },
            },
          ),
        );
        return;
      }
      if (Object.hasOwn(fields, name)) {
        fail(
          new OutpaceError('UPLOAD_FIELD_REPEATED', `Form field "${name}" is sent twice; send it once.`, {
            details: { field: name },
          }),
        );
        return;
      }
      fields[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      if (settled || file !== undefined) {
        stream.resume();
        return;
      }
      file = stream;
      const fileName = info.filename;
      started = (async () => {
        const prepared = await handlers.prepare({ ...fields }, fileName);
        if (settled) throw controller.signal.reason;
        return handlers.start(prepared, gated(stream), controller.signal);
      })();
      started.then(
        (s) => {
          if (s.dryRun) {
            // A preview stops reading early: discard the rest of the upload.
            stream.resume();
            succeed({ dryRun: true, result: s.result });
            return;
          }
          // An import that stopped reading (it failed) leaves the rest of the
          // upload to be discarded; the response still comes when the upload
          // is complete, with the job telling how it ended.
          void s.done.then((outcome: ImportOutcome) => {
            if (!outcome.ok) stream.resume();
          });
        },
        (error) => fail(error),
      );
    });
    parser.on('filesLimit', () =>
      fail(new OutpaceError('UPLOAD_TOO_MANY_FILES', 'The form holds more than one file; upload one file at a time.')),
    );
    parser.on('fieldsLimit', () =>
      fail(new OutpaceError('UPLOAD_TOO_MANY_FIELDS', `The form holds more than ${FORM_LIMITS.fields} fields.`)),
    );
    parser.on('partsLimit', () =>
      fail(new OutpaceError('UPLOAD_TOO_MANY_FIELDS', `The form holds more than ${FORM_LIMITS.parts} parts.`)),
    );

    const source = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>);
    pipeline(source, new ByteLimit(options.maxBytes), parser).then(
      () => {
        uploadDone = true;
        for (const w of uploadWaiters.splice(0)) w.resolve();
        if (started === undefined) {
          fail(
            new OutpaceError(
              'UPLOAD_FILE_MISSING',
              'The form has no file part; attach the list as a file field (curl -F file=@list.csv) after the other fields.',
            ),
          );
          return;
        }
        started.then((s) => {
          if (!s.dryRun) void handlers.job(s.job.id).then((job) => succeed({ dryRun: false, job }), fail);
        }, fail);
      },
      (error: unknown) => {
        uploadError =
          isOutpaceError(error) && error.code === 'PAYLOAD_TOO_LARGE'
            ? error
            : incomplete((error as Error)?.message ?? String(error));
        for (const w of uploadWaiters.splice(0)) w.reject(uploadError);
        fail(uploadError);
      },
    );
  });
}
