/**
 * The slice of ssh2's SFTPWrapper and ssh2-sftp-client this adapter uses, typed
 * locally so the public types never depend on @types/ssh2.
 */

/** SFTP file attributes. */
export interface RawAttrs {
  mode: number;
  size: number;
  mtime: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** One READDIR entry. */
export interface RawDirEntry {
  filename: string;
  longname: string;
  attrs: RawAttrs;
}

type Callback<T = void> = (err: Error | undefined | null, result: T) => void;

/** ssh2 `SFTPWrapper`, the raw SFTP channel. */
export interface RawSftp {
  open(path: string, flags: string, cb: Callback<Buffer>): void;
  close(handle: Buffer, cb: (err?: Error | null) => void): void;
  read(
    handle: Buffer,
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    cb: (err: Error | undefined | null, bytesRead: number, buffer: Buffer, position: number) => void,
  ): void;
  write(
    handle: Buffer,
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    cb: (err?: Error | null) => void,
  ): void;
  fstat(handle: Buffer, cb: Callback<RawAttrs>): void;
  stat(path: string, cb: Callback<RawAttrs>): void;
  lstat(path: string, cb: Callback<RawAttrs>): void;
  readdir(path: string, cb: Callback<RawDirEntry[]>): void;
  unlink(path: string, cb: (err?: Error | null) => void): void;
  rename(from: string, to: string, cb: (err?: Error | null) => void): void;
  mkdir(path: string, cb: (err?: Error | null) => void): void;
  realpath(path: string, cb: Callback<string>): void;
  ext_openssh_rename(from: string, to: string, cb: (err?: Error | null) => void): void;
  ext_openssh_fsync(handle: Buffer, cb: (err?: Error | null) => void): void;
  _extensions?: Record<string, string>;
}

/** The ssh2 `Client` event emitter inside ssh2-sftp-client. */
export interface RawSshClient {
  on(event: 'error', listener: (err: Error & { level?: string }) => void): unknown;
  on(event: 'close' | 'end', listener: () => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  destroy?(): void;
  end(): void;
}

/** ssh2-sftp-client's `SftpClient` instance. */
export interface SftpClientInstance {
  client: RawSshClient;
  sftp: RawSftp | undefined;
  connect(config: Record<string, unknown>): Promise<unknown>;
  end(): Promise<unknown>;
}

/** ssh2-sftp-client's constructor. */
export type SftpClientConstructor = new (
  name?: string,
  callbacks?: { error?: (err: Error) => void; end?: () => void; close?: () => void },
) => SftpClientInstance;
