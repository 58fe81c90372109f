/**
 * Writes the subset of Asterisk's ARI API description the connector relies on
 * (packages/adapters/test/fixtures/telephony/ari-api.json) from a running Asterisk's /ari/api-docs.
 * Usage: tsx scripts/telephony/extract-ari-api.ts [http://127.0.0.1:28088] [user] [password]
 * The Asterisk test tier's configuration serves it on 127.0.0.1:28088 (user outpace).
 */
import { writeFileSync } from 'node:fs';

const [base = 'http://127.0.0.1:28088', user = 'outpace', password = 'outpace-test-secret'] = process.argv.slice(2);
const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const get = async (path: string) => {
  const response = await fetch(`${base}/ari/api-docs/${path}`, { headers: { authorization: auth } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json() as Promise<Record<string, unknown>>;
};
interface Param {
  name: string;
  paramType: string;
  required?: boolean;
  allowMultiple?: boolean;
  dataType: string;
  allowableValues?: { values?: string[] };
}
interface Api {
  path: string;
  operations: { httpMethod: string; nickname: string; parameters?: Param[] }[];
}
const resources = (await get('resources.json')) as { apiVersion: string };
const out: Record<string, unknown> = {
  source: `${base}/ari/api-docs`,
  apiVersion: resources.apiVersion,
  operations: [] as unknown[],
};
for (const file of ['channels', 'bridges', 'applications', 'asterisk']) {
  const doc = (await get(`${file}.json`)) as { apis: Api[] };
  for (const api of doc.apis) {
    for (const op of api.operations) {
      (out.operations as unknown[]).push({
        path: api.path.replace(/^\//, '/').replace(/\.\{format\}/, ''),
        method: op.httpMethod,
        nickname: op.nickname,
        parameters: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.paramType,
          required: p.required ?? false,
          type: p.dataType,
          ...(p.allowableValues?.values ? { values: p.allowableValues.values } : {}),
        })),
      });
    }
  }
}
writeFileSync('packages/adapters/test/fixtures/telephony/ari-api.json', `${JSON.stringify(out, null, 1)}\n`);
console.log(`apiVersion ${resources.apiVersion}: ${(out.operations as unknown[]).length} operations`);
