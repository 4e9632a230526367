import { ANOMALY_STATES, severityRank } from './anomaly-kinds.ts';
import type { AnomalyKind, AnomalyState } from './anomaly-kinds.ts';
import type { DetectorResult, Finding } from './finding.ts';

/** An anomaly that is open for a source. */
export interface OpenAnomaly {
  readonly finding: Finding;
  readonly openedAt: number;
  /** Evaluations in a row that found the condition gone. */
  readonly quiet: number;
}

export interface AnomalyChange {
  readonly state: AnomalyState;
  readonly finding: Finding;
  readonly openedAt: number;
}

/**
 * Opens an anomaly when a detector finds it, escalates it when the severity rises, and resolves
 * it after `resolveAfter` clear evaluations in a row (one good fetch in the middle of a bad
 * spell does not close and reopen it). Skipped detectors leave their anomaly as it is.
 */
export function advanceAnomalies(
  open: Readonly<Partial<Record<AnomalyKind, OpenAnomaly>>>,
  results: ReadonlyMap<AnomalyKind, DetectorResult>,
  at: number,
  resolveAfter: number,
): { readonly open: Partial<Record<AnomalyKind, OpenAnomaly>>; readonly changes: readonly AnomalyChange[] } {
  const next: Partial<Record<AnomalyKind, OpenAnomaly>> = { ...open };
  const changes: AnomalyChange[] = [];
  for (const [kind, result] of results) {
    const held = next[kind];
    if (result.verdict === 'found') {
      if (held === undefined) {
        next[kind] = { finding: result.finding, openedAt: at, quiet: 0 };
        changes.push({ state: ANOMALY_STATES.opened, finding: result.finding, openedAt: at });
      } else if (severityRank(result.finding.severity) > severityRank(held.finding.severity)) {
        next[kind] = { finding: result.finding, openedAt: held.openedAt, quiet: 0 };
        changes.push({ state: ANOMALY_STATES.escalated, finding: result.finding, openedAt: held.openedAt });
      } else {
        // Keep the severity it was opened (or escalated) with; refresh the facts.
        next[kind] = {
          finding: { ...result.finding, severity: held.finding.severity },
          openedAt: held.openedAt,
          quiet: 0,
        };
      }
    } else if (result.verdict === 'clear' && held !== undefined) {
      const quiet = held.quiet + 1;
      if (quiet >= resolveAfter) {
        delete next[kind];
        changes.push({ state: ANOMALY_STATES.resolved, finding: held.finding, openedAt: held.openedAt });
      } else {
        next[kind] = { ...held, quiet };
      }
    }
  }
  return { open: next, changes };
}
