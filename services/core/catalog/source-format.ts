import { CONTAINER_FORMATS } from '../model/container.ts';

/**
 * What a catalog entry may declare its body to be: `auto` (detect from the body) or one of
 * the container formats a parser reads. `html`, `empty` and `unknown` are detection results,
 * never declarations.
 */
export const SOURCE_FORMATS = {
  auto: 'auto',
  uriList: CONTAINER_FORMATS.uriList,
  base64: CONTAINER_FORMATS.base64,
  clash: CONTAINER_FORMATS.clash,
  singBox: CONTAINER_FORMATS.singBox,
  sip008: CONTAINER_FORMATS.sip008,
  xray: CONTAINER_FORMATS.xray,
  quantumultX: CONTAINER_FORMATS.quantumultX,
  surge: CONTAINER_FORMATS.surge,
} as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[keyof typeof SOURCE_FORMATS];
export const SOURCE_FORMAT_LIST: readonly SourceFormat[] = Object.values(SOURCE_FORMATS);
