import type { ContainerFormat } from '../../model/container.ts';
import { CONTAINER_FORMATS } from '../../model/container.ts';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import { readClashItem } from './clash-yaml.ts';
import type { Collector } from './collector.ts';
import { readSingBoxEntry } from './sing-box-entry.ts';
import { readSip008Server } from './sip008-entry.ts';
import type { Obj } from './values.ts';
import { arr, int, isObj, str } from './values.ts';
import { readXrayOutbound } from './xray-entry.ts';

type JsonFormat =
  | typeof CONTAINER_FORMATS.clash
  | typeof CONTAINER_FORMATS.singBox
  | typeof CONTAINER_FORMATS.xray
  | typeof CONTAINER_FORMATS.sip008;

function looksXrayOutbound(o: unknown): boolean {
  return isObj(o) && typeof o['protocol'] === 'string' && o['type'] === undefined;
}

function looksSip008Server(o: unknown): boolean {
  return (
    isObj(o) &&
    o['server'] !== undefined &&
    o['server_port'] !== undefined &&
    o['method'] !== undefined &&
    o['type'] === undefined
  );
}

/**
 * Which structured format a parsed JSON value is: Clash in JSON syntax (`proxies`), sing-box
 * (`outbounds` / `endpoints` with `type`), Xray (`outbounds` with `protocol`, or an array of
 * full Xray configs as v2rayN exports them), SIP008 (`servers`, or a bare server array).
 * Bare outbound arrays and a single outbound object are accepted as hiddify does.
 */
export function classifyJson(value: unknown): JsonFormat | undefined {
  if (Array.isArray(value)) {
    const first = value.find(isObj);
    if (first === undefined) return undefined;
    if (Array.isArray(first['outbounds']))
      return (first['outbounds'] as unknown[]).some(looksXrayOutbound)
        ? CONTAINER_FORMATS.xray
        : CONTAINER_FORMATS.singBox;
    if (looksXrayOutbound(first)) return CONTAINER_FORMATS.xray;
    if (looksSip008Server(first)) return CONTAINER_FORMATS.sip008;
    if (typeof first['type'] === 'string')
      return first['server_port'] !== undefined || first['tag'] !== undefined
        ? CONTAINER_FORMATS.singBox
        : CONTAINER_FORMATS.clash;
    return undefined;
  }
  if (!isObj(value)) return undefined;
  if (Array.isArray(value['proxies']) || Array.isArray(value['Proxy'])) return CONTAINER_FORMATS.clash;
  const outbounds = arr(value['outbounds']);
  if (outbounds !== undefined || Array.isArray(value['endpoints'])) {
    return outbounds?.some(looksXrayOutbound) === true ? CONTAINER_FORMATS.xray : CONTAINER_FORMATS.singBox;
  }
  if (Array.isArray(value['servers'])) return CONTAINER_FORMATS.sip008;
  if (typeof value['type'] === 'string' && value['server'] !== undefined) return CONTAINER_FORMATS.singBox;
  if (looksXrayOutbound(value) && value['settings'] !== undefined) return CONTAINER_FORMATS.xray;
  return undefined;
}

export function readJsonContainer(format: ContainerFormat, value: unknown, collector: Collector): void {
  switch (format) {
    case CONTAINER_FORMATS.clash: {
      const list = Array.isArray(value)
        ? value
        : isObj(value)
          ? (arr(value['proxies']) ?? arr(value['Proxy']) ?? [])
          : [];
      list.forEach((item, i) => {
        if (!collector.full()) readClashItem(item, i + 1, collector);
      });
      return;
    }
    case CONTAINER_FORMATS.singBox:
      readSingBox(value, collector);
      return;
    case CONTAINER_FORMATS.xray:
      readXray(value, collector);
      return;
    case CONTAINER_FORMATS.sip008:
      readSip008(value, collector);
      return;
    default:
      collector.note(DIAGNOSTIC_CODES.unknownContainer, 'error', 'JSON is not a known subscription format');
  }
}

function readSingBox(value: unknown, collector: Collector): void {
  const entries: unknown[] = [];
  const addConfig = (c: Obj): void => {
    entries.push(...(arr(c['outbounds']) ?? []), ...(arr(c['endpoints']) ?? []));
  };
  if (Array.isArray(value)) {
    for (const v of value) {
      if (isObj(v) && (Array.isArray(v['outbounds']) || Array.isArray(v['endpoints']))) addConfig(v);
      else entries.push(v);
    }
  } else if (isObj(value)) {
    if (Array.isArray(value['outbounds']) || Array.isArray(value['endpoints'])) addConfig(value);
    else entries.push(value);
  }
  entries.forEach((entry, i) => {
    if (collector.full()) return;
    if (!isObj(entry)) {
      collector.note(
        DIAGNOSTIC_CODES.invalidValue,
        'error',
        'outbound is not an object',
        i + 1,
        'sing-box:unknown',
      );
      return;
    }
    const type = (str(entry['type']) ?? 'unknown').toLowerCase();
    collector.entry(readSingBoxEntry(entry), i + 1, `sing-box:${type}`);
  });
}

function readXray(value: unknown, collector: Collector): void {
  // [outbound, remarks of the config it came from]
  const entries: [unknown, string | undefined][] = [];
  const list = Array.isArray(value) ? value : [value];
  for (const v of list) {
    if (isObj(v) && Array.isArray(v['outbounds'])) {
      const remarks = str(v['remarks']);
      for (const o of v['outbounds'] as unknown[]) entries.push([o, remarks]);
    } else entries.push([v, undefined]);
  }
  entries.forEach(([entry, remarks], i) => {
    if (collector.full()) return;
    if (!isObj(entry)) {
      collector.note(
        DIAGNOSTIC_CODES.invalidValue,
        'error',
        'outbound is not an object',
        i + 1,
        'xray:unknown',
      );
      return;
    }
    const protocol = (str(entry['protocol']) ?? 'unknown').toLowerCase();
    collector.entry(readXrayOutbound(entry, remarks), i + 1, `xray:${protocol}`);
  });
}

function readSip008(value: unknown, collector: Collector): void {
  const servers = Array.isArray(value) ? value : isObj(value) ? (arr(value['servers']) ?? []) : [];
  if (isObj(value)) {
    const used = int(value['bytes_used']);
    const remaining = int(value['bytes_remaining']);
    if (used !== undefined || remaining !== undefined) {
      collector.metadata.userinfo = {
        ...(used !== undefined ? { download: used } : {}),
        ...(used !== undefined && remaining !== undefined ? { total: used + remaining } : {}),
      };
    }
  }
  servers.forEach((server, i) => {
    if (collector.full()) return;
    if (!isObj(server)) {
      collector.note(
        DIAGNOSTIC_CODES.invalidValue,
        'error',
        'server is not an object',
        i + 1,
        'sip008:shadowsocks',
      );
      return;
    }
    collector.entry(readSip008Server(server), i + 1, 'sip008:shadowsocks');
  });
}
