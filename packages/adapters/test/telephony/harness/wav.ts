import { readFileSync } from 'node:fs';

/** 16-bit PCM samples of a WAV file (first channel). */
export function readWav(path: string): { rate: number; samples: Int16Array } {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${path} is not a WAV file`);
  let offset = 12;
  let rate = 0;
  let channels = 1;
  let bits = 16;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${path}: ${bits}-bit audio; expected 16-bit PCM`);
      const end = Math.min(buf.length, body + size);
      const count = Math.floor((end - body) / 2 / channels);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = buf.readInt16LE(body + i * 2 * channels);
      return { rate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Where sound is in a recording: 20 ms windows whose RMS exceeds `threshold`. */
export function analyse(path: string, threshold = 300) {
  const { rate, samples } = readWav(path);
  const win = Math.round(rate * 0.02);
  let firstMs: number | undefined;
  let lastMs = 0;
  let voicedMs = 0;
  let peak = 0;
  for (let i = 0; i + win <= samples.length; i += win) {
    let sum = 0;
    for (let j = i; j < i + win; j++) {
      const s = samples[j] ?? 0;
      sum += s * s;
      if (Math.abs(s) > peak) peak = Math.abs(s);
    }
    if (Math.sqrt(sum / win) > threshold) {
      const at = (i / rate) * 1000;
      firstMs ??= at;
      lastMs = at + 20;
      voicedMs += 20;
    }
  }
  return { durationMs: (samples.length / rate) * 1000, firstSoundMs: firstMs, lastSoundMs: lastMs, voicedMs, peak };
}
