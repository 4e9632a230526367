/** What a `configs.observed.v1` event says about one config in one source. */
export const PRESENCES = {
  /** The source's latest fetch carries the config. */
  present: 'present',
  /** The source's latest successful fetch no longer carries it. */
  absent: 'absent',
  /** The source kept failing past the expiry time, so its configs no longer count. */
  expired: 'expired',
} as const;
export type Presence = (typeof PRESENCES)[keyof typeof PRESENCES];

export function isPresence(value: string): value is Presence {
  return value === PRESENCES.present || value === PRESENCES.absent || value === PRESENCES.expired;
}
