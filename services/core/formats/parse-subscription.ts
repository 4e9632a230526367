import type { ContainerFormat } from '../model/container.ts';
import { CONTAINER_FORMATS } from '../model/container.ts';
import { DIAGNOSTIC_CODES } from '../model/diagnostic.ts';
import type { ParseResult } from '../model/parse-result.ts';
import { decodeBase64Body } from './containers/base64-body.ts';
import { readClashYaml } from './containers/clash-yaml.ts';
import type { Collector } from './containers/collector.ts';
import { createCollector } from './containers/collector.ts';
import { BODY_KINDS, detectBody } from './containers/detect-container.ts';
import { readIniConfig } from './containers/ini-container.ts';
import { classifyJson, readJsonContainer } from './containers/json-container.ts';
import type { ParseLimits } from './containers/limits.ts';
import { DEFAULT_LIMITS } from './containers/limits.ts';
import { readLineList } from './containers/line-list.ts';
import { maxBracketDepth } from './containers/nesting.ts';
import type { ParseOptions } from './parse-options.ts';

export interface SubscriptionParseOptions extends ParseOptions, Partial<ParseLimits> {}

/** base64 of base64 exists in the wild; a third layer is not a subscription. */
const MAX_BASE64_LAYERS = 2;

const UTF8 = new TextDecoder('utf-8');

/**
 * Parse a fetched subscription body of any container format into validated configs plus
 * diagnostics. Never throws on input: an unreadable body is an empty result whose
 * diagnostics say why; one bad line or entry never loses the good ones.
 */
export function parseSubscription(
  body: string | Uint8Array,
  options: SubscriptionParseOptions = {},
): ParseResult {
  const limits: ParseLimits = {
    maxBytes: options.maxBytes ?? DEFAULT_LIMITS.maxBytes,
    maxLineLength: options.maxLineLength ?? DEFAULT_LIMITS.maxLineLength,
    maxEntries: options.maxEntries ?? DEFAULT_LIMITS.maxEntries,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxAliasCount: options.maxAliasCount ?? DEFAULT_LIMITS.maxAliasCount,
  };
  const parseOptions: ParseOptions =
    options.allowPrivateAddresses === undefined
      ? {}
      : { allowPrivateAddresses: options.allowPrivateAddresses };
  const collector = createCollector(parseOptions, limits);

  const size = typeof body === 'string' ? utf8Length(body, limits.maxBytes) : body.byteLength;
  let container: ContainerFormat;
  if (size > limits.maxBytes) {
    collector.note(
      DIAGNOSTIC_CODES.bodyTooLarge,
      'error',
      `body of ${size} bytes is larger than ${limits.maxBytes}`,
    );
    container = CONTAINER_FORMATS.unknown;
  } else {
    // TextDecoder drops a leading BOM; a string body may still carry one.
    const text = typeof body === 'string' ? stripBom(body) : UTF8.decode(body);
    container = readBody(text, collector, 0);
  }

  const nonProxy =
    Object.keys(collector.nonProxyEntries).length > 0 ? { nonProxyEntries: collector.nonProxyEntries } : {};
  return {
    container,
    configs: collector.configs,
    diagnostics: collector.diagnostics,
    metadata: collector.metadata,
    ...nonProxy,
  };
}

function readBody(text: string, collector: Collector, base64Layers: number): ContainerFormat {
  const kind = detectBody(text);
  switch (kind) {
    case BODY_KINDS.empty:
      collector.note(DIAGNOSTIC_CODES.emptyBody, 'error', 'body is empty');
      return CONTAINER_FORMATS.empty;
    case BODY_KINDS.html:
      collector.note(DIAGNOSTIC_CODES.htmlBody, 'error', 'body is an HTML page, not a subscription');
      return CONTAINER_FORMATS.html;
    case BODY_KINDS.json:
      return readJson(text, collector);
    case BODY_KINDS.yaml:
      readClashYaml(text, collector);
      return CONTAINER_FORMATS.clash;
    case BODY_KINDS.quantumultX:
      readIniConfig(text, 'server_local', collector);
      return CONTAINER_FORMATS.quantumultX;
    case BODY_KINDS.surge:
      readIniConfig(text, 'proxy', collector);
      return CONTAINER_FORMATS.surge;
    case BODY_KINDS.uriList:
      readLineList(text, collector);
      return CONTAINER_FORMATS.uriList;
    case BODY_KINDS.base64: {
      const decoded = base64Layers < MAX_BASE64_LAYERS ? decodeBase64Body(text) : undefined;
      const inner = decoded === undefined ? BODY_KINDS.unknown : detectBody(decoded);
      if (decoded === undefined || inner === BODY_KINDS.unknown || inner === BODY_KINDS.empty) {
        collector.note(
          DIAGNOSTIC_CODES.unknownContainer,
          'error',
          'body is neither a known format nor base64 of one',
        );
        return CONTAINER_FORMATS.unknown;
      }
      readBody(stripBom(decoded), collector, base64Layers + 1);
      return CONTAINER_FORMATS.base64;
    }
    default:
      collector.note(DIAGNOSTIC_CODES.unknownContainer, 'error', 'body is not a known subscription format');
      return CONTAINER_FORMATS.unknown;
  }
}

function readJson(text: string, collector: Collector): ContainerFormat {
  if (maxBracketDepth(text) > collector.limits.maxDepth) {
    collector.note(
      DIAGNOSTIC_CODES.invalidJson,
      'error',
      `JSON nests deeper than ${collector.limits.maxDepth} levels`,
    );
    return CONTAINER_FORMATS.unknown;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // `{proxies: [...]}` is YAML flow syntax, not JSON: give YAML its chance.
    if (/^\s*\{?\s*"?(proxies|Proxy)"?\s*:/m.test(text)) {
      readClashYaml(text, collector);
      return CONTAINER_FORMATS.clash;
    }
    collector.note(
      DIAGNOSTIC_CODES.invalidJson,
      'error',
      `body is not valid JSON: ${(e as Error).message.slice(0, 120)}`,
    );
    return CONTAINER_FORMATS.unknown;
  }
  const format = classifyJson(value);
  if (format === undefined) {
    collector.note(DIAGNOSTIC_CODES.unknownContainer, 'error', 'JSON is not a known subscription format');
    return CONTAINER_FORMATS.unknown;
  }
  readJsonContainer(format, value, collector);
  return format;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** UTF-8 size of a string, computed only when the UTF-16 length cannot decide alone. */
function utf8Length(text: string, max: number): number {
  return text.length * 3 <= max ? text.length : Buffer.byteLength(text, 'utf8');
}
