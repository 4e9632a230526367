import type { Readable } from 'node:stream';
import { AnalyticsError } from '../../core/analytics/analytics-error.ts';
import type {
  ConfigHistoryInput,
  ExportInput,
  OverviewInput,
  SourceHistoryInput,
} from '../../core/analytics/analytics-inputs.ts';
import {
  configCurrentQuery,
  configHistoryRequest,
  configIdentityQuery,
  configSeenQuery,
  configSeriesQuery,
  configSourcesQuery,
  configUnknown,
  configVantageQuery,
  shapeConfigHistory,
} from '../../core/analytics/config-history.ts';
import type { ConfigHistory, ConfigHistoryRows } from '../../core/analytics/config-history.ts';
import { exportHeaders, exportQuery, exportRequest } from '../../core/analytics/export-query.ts';
import {
  overviewRequest,
  protocolMixQuery,
  shapeOverview,
  sourceActivityQuery,
  sourceOverlapQuery,
  sourceStandingQuery,
} from '../../core/analytics/overview.ts';
import type { Overview, OverviewRows } from '../../core/analytics/overview.ts';
import {
  shapeSourceHistory,
  sourceDiagnosticsQuery,
  sourceHistoryRequest,
  sourceAnomaliesQuery,
  sourceHealthQuery,
  sourceKnownQuery,
  sourceOutcomesQuery,
  sourceSeriesQuery,
} from '../../core/analytics/source-history.ts';
import type {
  SourceAnomalyRow,
  SourceHealthRow,
  SourceHistory,
  SourceSeriesRow,
} from '../../core/analytics/source-history.ts';
import type { AnalyticsRunner } from './analytics-runner.ts';

export interface ExportStream {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

/** The analytics endpoints' work, transport-free: validated input in, response body out. */
export interface Analytics {
  sourceHistory(input: SourceHistoryInput): Promise<SourceHistory>;
  configHistory(input: ConfigHistoryInput): Promise<ConfigHistory>;
  overview(input: OverviewInput): Promise<Overview>;
  exportData(input: ExportInput): Promise<ExportStream>;
}

export function createAnalytics({
  runner,
  now = Date.now,
}: {
  readonly runner: AnalyticsRunner;
  readonly now?: () => number;
}): Analytics {
  return {
    async sourceHistory(input) {
      const request = sourceHistoryRequest(input, now());
      const [series, totals, outcomes, diagnostics, health, anomalies] = await Promise.all([
        runner.rows<SourceSeriesRow>(sourceSeriesQuery(request, request.range.resolution)),
        runner.rows<SourceSeriesRow>(sourceSeriesQuery(request, null)),
        runner.rows<{ outcome: string; count: string }>(sourceOutcomesQuery(request)),
        runner.rows<{ code: string; count: string }>(sourceDiagnosticsQuery(request)),
        runner.rows<SourceHealthRow>(sourceHealthQuery(request)),
        runner.rows<SourceAnomalyRow>(sourceAnomaliesQuery(request)),
      ]);
      if (series.length === 0 && outcomes.length === 0) {
        const known = await runner.rows(sourceKnownQuery(request.sourceId));
        if (known.length === 0)
          throw new AnalyticsError('ANALYTICS_NOT_FOUND', `no history for source ${request.sourceId}`);
      }
      return shapeSourceHistory(request, { series, totals, outcomes, diagnostics, health, anomalies });
    },

    async configHistory(input) {
      const request = configHistoryRequest(input, now());
      const [seen, identity, current, series, totals, vantageSeries, vantageTotals, sources] =
        await Promise.all([
          runner.rows<ConfigHistoryRows['seen'][number]>(configSeenQuery(request.fingerprint)),
          runner.rows<ConfigHistoryRows['identity'][number]>(configIdentityQuery(request.fingerprint)),
          runner.rows<ConfigHistoryRows['current'][number]>(configCurrentQuery(request.fingerprint)),
          runner.rows<ConfigHistoryRows['series'][number]>(
            configSeriesQuery(request, request.range.resolution),
          ),
          runner.rows<ConfigHistoryRows['totals'][number]>(configSeriesQuery(request, null)),
          runner.rows<ConfigHistoryRows['vantageSeries'][number]>(
            configVantageQuery(request, request.range.resolution),
          ),
          runner.rows<ConfigHistoryRows['vantageTotals'][number]>(configVantageQuery(request, null)),
          runner.rows<ConfigHistoryRows['sources'][number]>(configSourcesQuery(request)),
        ]);
      const rows = { seen, identity, current, series, totals, vantageSeries, vantageTotals, sources };
      if (configUnknown(rows))
        throw new AnalyticsError('ANALYTICS_NOT_FOUND', `no history for config ${request.fingerprint}`);
      return shapeConfigHistory(request, rows);
    },

    async overview(input) {
      const request = overviewRequest(input, now());
      const [activity, protocols, overlap, standing] = await Promise.all([
        runner.rows<OverviewRows['activity'][number]>(sourceActivityQuery(request)),
        runner.rows<OverviewRows['protocols'][number]>(protocolMixQuery(request)),
        runner.rows<OverviewRows['overlap'][number]>(sourceOverlapQuery(request)),
        runner.rows<OverviewRows['standing'][number]>(sourceStandingQuery(request)),
      ]);
      return shapeOverview(request, { activity, protocols, overlap, standing });
    },

    async exportData(input) {
      const request = exportRequest(input, now());
      return { headers: exportHeaders(request), body: await runner.stream(exportQuery(request)) };
    },
  };
}
