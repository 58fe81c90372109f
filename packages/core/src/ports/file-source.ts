import type { Readable } from 'node:stream';

/** How a file-name rule compares names, as in the product's list automation. */
export type FileNameOperation = 'startsWith' | 'endsWith' | 'contains' | 'equals' | 'glob';

/** Selects remote files by name. */
export interface FileNameRule {
  operation: FileNameOperation;
  pattern: string;
  /** @default false */
  caseSensitive?: boolean;
}

/** A file found in a source folder. */
export interface RemoteFile {
  /** Base name. */
  name: string;
  /** Full path inside the source. */
  path: string;
  size: number;
  /** Last modification instant (ms). */
  modifiedAt: number;
}

/**
 * Where list files come from and exports go to: an SFTP server, a local
 * folder, an object store. Reads are streams so nothing is buffered whole.
 */
export interface FileSource {
  readonly name: string;
  /** Files (not folders) in `folder`, optionally filtered by a name rule, sorted by name. */
  list(folder: string, rule?: FileNameRule): Promise<RemoteFile[]>;
  /** Opens a file for reading. The stream errors if the transfer breaks. */
  read(path: string): Promise<Readable>;
  /** Writes a file from a stream, atomically where the source allows (temp name, then rename). */
  write(path: string, data: Readable | AsyncIterable<Uint8Array>): Promise<void>;
  /** Deletes a file. */
  remove(path: string): Promise<void>;
  /** Moves or renames a file (e.g. into an archive folder). */
  move(from: string, to: string): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}

/** True when `name` satisfies `rule`. */
export function matchesFileNameRule(name: string, rule: FileNameRule): boolean {
  const cs = rule.caseSensitive === true;
  const subject = cs ? name : name.toLowerCase();
  const pattern = cs ? rule.pattern : rule.pattern.toLowerCase();
  switch (rule.operation) {
    case 'startsWith':
      return subject.startsWith(pattern);
    case 'endsWith':
      return subject.endsWith(pattern);
    case 'contains':
      return subject.includes(pattern);
    case 'equals':
      return subject === pattern;
    case 'glob':
      return globToRegExp(pattern).test(subject);
  }
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
