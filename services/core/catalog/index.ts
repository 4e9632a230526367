export * from './catalog-issue.ts';
export { parseCatalog, parseCatalogOrThrow } from './parse-catalog.ts';
export type { CatalogResult, SourceEntry, SourcesCatalog } from './parse-catalog.ts';
export * from './interval.ts';
export * from './source-format.ts';
export * from './source-id.ts';
export * from './tiers.ts';
export * from './catalog-changes.ts';
