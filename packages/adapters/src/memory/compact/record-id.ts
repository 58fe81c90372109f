/**
 * Contact ids (`con_` + 26 Crockford base32 characters, see core's
 * `createId`) packed into 17 bytes, most significant bits first, so comparing
 * packed bytes orders exactly like comparing the id strings.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const PREFIX = 'con_';
export const ID_BYTES = 17;
const ID_CHARS = 26;

const VALUE_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE_OF[ALPHABET.charCodeAt(i)] = i;

/** Packs `id` into `out` at `offset`; false when it is not a contact id of this store's format. */
export function packId(id: string, out: Uint8Array, offset: number): boolean {
  if (id.length !== PREFIX.length + ID_CHARS || !id.startsWith(PREFIX)) return false;
  let bits = 0;
  let pending = 0;
  let o = offset;
  for (let i = PREFIX.length; i < id.length; i++) {
    const code = id.charCodeAt(i);
    const value = code < 128 ? (VALUE_OF[code] as number) : -1;
    if (value < 0) return false;
    bits = (bits << 5) | value;
    pending += 5;
    if (pending >= 8) {
      pending -= 8;
      out[o++] = (bits >>> pending) & 0xff;
      bits &= (1 << pending) - 1;
    }
  }
  out[o] = (bits << (8 - pending)) & 0xff;
  return true;
}

/** Reads a packed id back as its string. */
export function unpackId(buf: Uint8Array, offset: number): string {
  let id = PREFIX;
  let bits = 0;
  let pending = 0;
  let o = offset;
  for (let i = 0; i < ID_CHARS; i++) {
    if (pending < 5) {
      bits = ((bits << 8) | (buf[o++] as number)) & 0xffff;
      pending += 8;
    }
    pending -= 5;
    id += ALPHABET[(bits >>> pending) & 31];
  }
  return id;
}

/** Compares a packed id with the one at `offset` in `buf`. */
export function compareIds(a: Uint8Array, b: Uint8Array, bOffset: number, aOffset = 0): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const diff = (a[aOffset + i] as number) - (b[bOffset + i] as number);
    if (diff !== 0) return diff;
  }
  return 0;
}
