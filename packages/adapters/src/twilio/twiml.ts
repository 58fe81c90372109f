const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** TwiML that keeps an answered call open, silent, while the dialer decides (re-fetched when it runs out). */
export function holdTwiml(redirectUrl: string, seconds = 30): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="${seconds}"/><Redirect method="POST">${esc(redirectUrl)}</Redirect></Response>`;
}

/** TwiML that plays the abandon message, then hangs up. */
export function playTwiml(mediaUrl: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Play>${esc(mediaUrl)}</Play><Hangup/></Response>`;
}

/** The TwiML noun that dials an agent endpoint: `sip:` URIs, `client:` identities or phone numbers. */
function agentNoun(endpoint: string, statusCallback: string): string {
  const cb = `statusCallbackEvent="initiated ringing answered completed" statusCallback="${esc(statusCallback)}" statusCallbackMethod="POST"`;
  if (endpoint.startsWith('sip:')) return `<Sip ${cb}>${esc(endpoint)}</Sip>`;
  if (endpoint.startsWith('client:')) return `<Client ${cb}>${esc(endpoint.slice(7))}</Client>`;
  return `<Number ${cb}>${esc(endpoint)}</Number>`;
}

/** TwiML that connects the consumer to an agent; when the agent leg fails, Twilio fetches `actionUrl`. */
export function dialAgentTwiml(
  endpoint: string,
  timeoutSeconds: number,
  statusCallback: string,
  actionUrl: string,
): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial timeout="${timeoutSeconds}" action="${esc(actionUrl)}" method="POST">${agentNoun(endpoint, statusCallback)}</Dial></Response>`;
}
