/** The subscription container formats submerge detects and reads. */
export const CONTAINER_FORMATS = {
  uriList: 'uri-list',
  base64: 'base64',
  clash: 'clash',
  singBox: 'sing-box',
  sip008: 'sip008',
  xray: 'xray',
  quantumultX: 'quantumult-x',
  surge: 'surge',
  html: 'html',
  empty: 'empty',
  unknown: 'unknown',
} as const;
export type ContainerFormat = (typeof CONTAINER_FORMATS)[keyof typeof CONTAINER_FORMATS];
