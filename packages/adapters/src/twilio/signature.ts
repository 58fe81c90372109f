import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature (X-Twilio-Signature): base64 HMAC-SHA1, keyed with the account's auth token, of the full
 * URL Twilio requested followed by every POST parameter name and value, sorted by name. Reimplemented here (about
 * twenty lines) instead of depending on the `twilio` package; tested against Twilio's published example.
 */
export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string | readonly string[]>> = {},
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    // Repeated parameters are signed once per value, values in sorted order (as Twilio's helper libraries do).
    for (const v of typeof value === 'string' ? [value] : [...value].sort()) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The URL with and without its scheme's default port: Twilio may sign either form. */
function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
  // URL drops a default port when parsing, so read an explicit port from the text.
  const explicit = /^[a-z]+:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(url)?.[1];
  if (explicit && explicit !== defaultPort) return [url];
  const auth = parsed.username ? `${parsed.username}:${parsed.password}@` : '';
  const rest = `${parsed.pathname}${parsed.search}`;
  return [
    url,
    `${parsed.protocol}//${auth}${parsed.hostname}${rest}`,
    `${parsed.protocol}//${auth}${parsed.hostname}:${defaultPort}${rest}`,
  ];
}

/**
 * True when `signature` is Twilio's signature of a request to `url` with form parameters `params` (a
 * form-encoded callback), or of a JSON body whose SHA-256 the URL carries in `bodySHA256` (pass the raw body).
 */
export function validateTwilioSignature(
  authToken: string,
  signature: string | null | undefined,
  url: string,
  body: Readonly<Record<string, string | readonly string[]>> | { rawBody: string },
): boolean {
  if (!signature) return false;
  if ('rawBody' in body && typeof body.rawBody === 'string') {
    const expected = new URL(url).searchParams.get('bodySHA256');
    const actual = createHash('sha256').update(body.rawBody, 'utf8').digest('hex');
    if (!expected || !safeEqual(expected, actual)) return false;
    return urlVariants(url).some((u) => safeEqual(computeTwilioSignature(authToken, u), signature));
  }
  const params = body as Readonly<Record<string, string | readonly string[]>>;
  return urlVariants(url).some((u) => safeEqual(computeTwilioSignature(authToken, u, params), signature));
}
