import { Readable } from 'node:stream';
import { isOutpaceError, OutpaceError } from '@outpace/core';
import { mapSftpError, SftpErrorCode, type SftpErrorContext } from '../errors.js';
import type { Connector, Session } from './connector.js';

/** Bytes per READ request (OpenSSH accepts up to 255 KiB; 64 KiB keeps memory low). */
const CHUNK_BYTES = 64 * 1024;
/** READ requests kept in flight, to hide the round trip. */
const MAX_IN_FLIGHT = 8;

interface Slot {
  offset: number;
  length: number;
  done: boolean;
  error: unknown;
  bytes: number;
  buffer: Buffer;
}

export interface SftpReadStreamParams {
  connector: Connector;
  session: Session;
  handle: Buffer;
  /** Size at open (fstat); the stream checks it read exactly this many bytes. */
  size: number;
  ctx: SftpErrorContext;
  stallTimeoutMs: number;
  /** Called once when the stream ends, errors or is destroyed. */
  onSettled: () => void;
}

/**
 * A Readable over an open SFTP handle with pipelined READ requests. It never
 * holds more than a few chunks, errors with `ADAPTER_SFTP_TRANSFER_FAILED` when
 * the connection drops or stalls, and when the file changed size during the
 * transfer (it is probably still being uploaded).
 */
export class SftpReadStream extends Readable {
  readonly #p: SftpReadStreamParams;
  readonly #pending: Slot[] = [];
  #nextOffset = 0;
  #delivered = 0;
  #probing = false;
  #wanted = false;
  #finished = false;
  #stallTimer: NodeJS.Timeout | undefined;
  readonly #onLost: (cause: Error) => void;

  constructor(params: SftpReadStreamParams) {
    super({ highWaterMark: 4 * CHUNK_BYTES });
    this.#p = params;
    this.#onLost = (cause) => {
      this.destroy(
        isOutpaceError(cause, SftpErrorCode.CLOSED)
          ? cause
          : this.#transferError(`the connection was lost (${cause.message})`, cause, true),
      );
    };
    params.session.onLost.add(this.#onLost);
  }

  /** Bytes handed to the consumer so far. */
  get bytesRead(): number {
    return this.#delivered;
  }

  override _read(): void {
    this.#wanted = true;
    this.#pump();
  }

  #pump(): void {
    if (this.#finished || this.destroyed) return;
    const { size } = this.#p;
    while (this.#wanted && this.#pending.length < MAX_IN_FLIGHT && this.#nextOffset < size) {
      const length = Math.min(CHUNK_BYTES, size - this.#nextOffset);
      this.#issue(this.#nextOffset, length, this.#pending.length);
      this.#nextOffset += length;
    }
    if (this.#nextOffset >= size && this.#pending.length === 0 && this.#delivered === size && !this.#probing) {
      // One more read past the expected end must hit EOF; data there means the file grew.
      this.#probing = true;
      this.#issue(size, 1, 0);
    }
  }

  #issue(offset: number, length: number, at: number): void {
    const slot: Slot = { offset, length, done: false, error: undefined, bytes: 0, buffer: Buffer.allocUnsafe(length) };
    this.#pending.splice(at, 0, slot);
    this.#armStall();
    try {
      this.#p.session.sftp.read(this.#p.handle, slot.buffer, 0, length, offset, (err, bytes) => {
        slot.done = true;
        slot.error = err ?? undefined;
        slot.bytes = bytes ?? 0;
        this.#drain();
      });
    } catch (error) {
      slot.done = true;
      slot.error = error;
      queueMicrotask(() => this.#drain());
    }
  }

  #drain(): void {
    if (this.#finished || this.destroyed) return;
    this.#armStall(true);
    const { size } = this.#p;
    while (this.#pending[0]?.done) {
      const slot = this.#pending.shift() as Slot;
      if (slot.error !== undefined) {
        this.destroy(mapSftpError(slot.error, this.#p.ctx));
        return;
      }
      if (slot.offset >= size) {
        // The EOF probe.
        if (slot.bytes === 0) {
          this.#finish();
        } else {
          this.destroy(
            this.#transferError(
              `the file grew beyond the ${size} bytes it had when the transfer started; it is probably still being uploaded, retry later`,
            ),
          );
        }
        return;
      }
      if (slot.bytes === 0) {
        this.destroy(
          this.#transferError(
            `the file ended after ${slot.offset} of the ${size} bytes it had when the transfer started (it was truncated or replaced meanwhile)`,
          ),
        );
        return;
      }
      if (slot.bytes < slot.length) {
        // A short read: ask again for the missing part before anything later.
        this.#issue(slot.offset + slot.bytes, slot.length - slot.bytes, 0);
      }
      this.#delivered += slot.bytes;
      this.#wanted = this.push(slot.buffer.subarray(0, slot.bytes));
    }
    this.#pump();
  }

  #armStall(reset = false): void {
    if (reset) {
      clearTimeout(this.#stallTimer);
      this.#stallTimer = undefined;
    }
    if (this.#pending.length === 0 || this.#stallTimer !== undefined) return;
    this.#stallTimer = setTimeout(() => {
      const error = this.#transferError(`the server sent nothing for ${this.#p.stallTimeoutMs} ms`, undefined, true);
      this.destroy(error);
      this.#p.connector.discard(this.#p.session, error);
    }, this.#p.stallTimeoutMs);
  }

  #transferError(reason: string, cause?: unknown, connectionBroke = false): OutpaceError {
    const { ctx, size } = this.#p;
    return new OutpaceError(
      SftpErrorCode.TRANSFER_FAILED,
      `Reading "${ctx.path}" from ${ctx.source} failed after ${this.#delivered} of ${size} bytes: ${reason}. The remote file was not changed.`,
      {
        cause,
        details: {
          source: ctx.source,
          path: ctx.path,
          bytesRead: this.#delivered,
          size,
          ...(connectionBroke ? { connectionLost: true } : {}),
        },
      },
    );
  }

  #finish(): void {
    this.#finished = true;
    this.#release();
    this.push(null);
  }

  #release(): void {
    clearTimeout(this.#stallTimer);
    const { session, handle, connector, onSettled } = this.#p;
    session.onLost.delete(this.#onLost);
    if (session.alive) {
      try {
        session.sftp.close(handle, () => {});
      } catch {
        // The session is going away; its handles go with it.
      }
    }
    connector.release(session);
    onSettled();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#finished) {
      this.#finished = true;
      this.#release();
    }
    callback(error);
  }
}
