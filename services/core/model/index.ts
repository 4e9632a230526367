export * from './protocol.ts';
export type * from './tls.ts';
export { UTLS_FINGERPRINTS } from './tls.ts';
export type * from './transport.ts';
export { TRANSPORT_TYPES } from './transport.ts';
export type * from './config.ts';
export * from './diagnostic.ts';
export * from './container.ts';
export type * from './parse-result.ts';
