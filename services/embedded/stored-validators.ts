import type { ClickHouseClient } from '@clickhouse/client';
import { nextValidators } from '../core/fetching/conditional-get.ts';
import type { Validators } from '../core/fetching/conditional-get.ts';
import { FETCH_OUTCOMES } from '../shared/events/fetch-outcome.ts';

/**
 * The conditional-GET validators a fetcher had when it stopped, from the fetch history the sink
 * keeps (fetch_events): per requested URL, those of its latest full response, as nextValidators
 * would have remembered them. A restarted embedded mode asks "changed?" instead of downloading
 * every body again. The history may trail the log by the sink's last flush; older validators
 * only cost a full response.
 */
export async function storedValidators(clickhouse: ClickHouseClient): Promise<Map<string, Validators>> {
  const rs = await clickhouse.query({
    query: `SELECT url, argMax(etag, fetched_at) AS etag, argMax(last_modified, fetched_at) AS last_modified
            FROM fetch_events FINAL WHERE outcome = {ok:String} GROUP BY url`,
    query_params: { ok: FETCH_OUTCOMES.ok },
    format: 'JSONEachRow',
  });
  const out = new Map<string, Validators>();
  for (const row of await rs.json<{ url: string; etag: string; last_modified: string }>()) {
    const validators = nextValidators(undefined, {
      outcome: FETCH_OUTCOMES.ok,
      etag: row.etag === '' ? null : row.etag,
      lastModified: row.last_modified === '' ? null : row.last_modified,
    });
    if (validators !== undefined) out.set(row.url, validators);
  }
  return out;
}
