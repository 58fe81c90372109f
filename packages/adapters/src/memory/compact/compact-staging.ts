import type { NewContact } from '@outpace/core';
import type { ContactStaging, ContactTable } from '../contact-table.js';
import { Arena, offsetOf } from './arena.js';
import { ByteReader, ByteWriter, hashBytes } from './bytes.js';
import { ClientIdIndex } from './client-id-index.js';
import { clientIdRange, decodeContact, encodeContact } from './contact-codec.js';
import type { ContactDictionary } from './dictionary.js';
import { RefList } from './ref-list.js';
import { StampTable } from './stamps.js';

/** A table that can look ClientIDs up by their encoded bytes (the compact table). */
interface ByteLookup {
  hasClientIdBytes(buf: Uint8Array, start: number, end: number, hash: number): boolean;
}

function isCompact(table: ContactTable): table is ContactTable & ByteLookup {
  return typeof (table as Partial<ByteLookup>).hasClientIdBytes === 'function';
}

/** Contacts staged by an import, encoded as they arrive (see {@link CompactContactTable.load}). */
export class CompactStaging implements ContactStaging {
  readonly arena = new Arena();
  readonly refs = new RefList();
  readonly index = new ClientIdIndex(this.arena);
  private readonly writer = new ByteWriter(4096);
  private readonly reader = new ByteReader(Buffer.alloc(0));
  private readonly zeroStamp = new StampTable();

  constructor(private readonly dict: ContactDictionary) {
    this.zeroStamp.add(0, 0);
  }

  get size(): number {
    return this.refs.length;
  }

  hasClientId(clientId: string): boolean {
    return this.index.find(Buffer.from(clientId, 'utf8')) !== undefined;
  }

  add(contact: NewContact): void {
    this.stage(contact, undefined);
  }

  stage(contact: NewContact, existing: ContactTable | undefined): 'staged' | 'duplicate' | 'exists' {
    // Encode first, then look the ClientID up by its encoded bytes: one hash,
    // no temporary buffer.
    const w = this.writer;
    w.reset();
    encodeContact(w, contact, this.dict);
    const range = clientIdRange(w.buf, 0);
    let hash = 0;
    if (range !== undefined) {
      hash = hashBytes(w.buf, range[0], range[1]);
      if (this.index.find(w.buf, range[0], range[1], hash) !== undefined) return 'duplicate';
      if (existing !== undefined && isCompact(existing)) {
        if (existing.hasClientIdBytes(w.buf, range[0], range[1], hash)) return 'exists';
      } else if (existing?.hasClientId(contact.clientId as string)) {
        return 'exists';
      }
    }
    const ref = this.arena.append(w.buf, w.pos);
    this.refs.push(ref);
    if (range !== undefined) this.index.add(ref, hash);
    return 'staged';
  }

  *entries(): Iterable<NewContact> {
    for (const ref of this.refs.view()) {
      this.reader.buf = this.arena.chunk(ref);
      this.reader.pos = offsetOf(ref);
      const {
        id: _i,
        listId: _l,
        createdAt: _c,
        updatedAt: _u,
        ...contact
      } = decodeContact(this.reader, this.dict, '', this.zeroStamp);
      yield contact;
    }
  }
}
