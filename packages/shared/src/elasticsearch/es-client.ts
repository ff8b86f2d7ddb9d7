// One way to build the Elasticsearch client, so timeouts and retries are the same everywhere.
import { Client } from '@elastic/elasticsearch';

export type { Client as EsClient };
export type { estypes } from '@elastic/elasticsearch';

export function createEsClient(url: string): Client {
  return new Client({ node: url, requestTimeout: 30_000, maxRetries: 3 });
}

export async function elasticsearchReachable(client: Client): Promise<boolean> {
  try {
    await client.cluster.health({ timeout: '1s' }, { requestTimeout: 2000, maxRetries: 0 });
    return true;
  } catch {
    return false;
  }
}
