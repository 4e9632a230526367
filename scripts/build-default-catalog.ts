/**
 * Builds catalog/sources.default.yaml, submerge's shipped sources catalog, from the seed
 * project's catalog (StreamlineVPN config/sources.unified.yaml, see its SOURCE.md):
 *
 *   node --import tsx scripts/build-default-catalog.ts [seed.yaml] [out.yaml]
 *
 * Mapping decisions:
 * - tiers: tier_1_premium and the emergency fallbacks -> premium; tier_2_reliable and the
 *   curated regional / protocol groups -> reliable; tier_3_* -> bulk; experimental ->
 *   experimental. A URL listed in several groups keeps the best tier and every group's tags.
 * - URLs are deduplicated after normalisation (`new URL().href`).
 * - format is always `auto`: the seed's format hints are unverified, detection is the
 *   parser's job.
 * - interval is the tier's default.
 * - tags record where an entry came from (`seed:<group>`), its region when not global, and
 *   the seed's protocol hints (`protocol:<name>`): hints for filtering, not measurements.
 * - ids derive from the URL (host alias + path, see sourceIdFromUrl); URLs whose slugs
 *   collide all get a short hash of the URL appended, so ids stay stable across rebuilds.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, parse } from 'yaml';
import { CatalogError, parseCatalog } from '../services/core/catalog/index.ts';
import {
  formatInterval,
  sourceIdFromUrl,
  TIER_DEFAULT_INTERVAL_SECONDS,
  TIER_LIST,
  TIERS,
} from '../services/core/catalog/index.ts';
import type { Tier } from '../services/core/catalog/index.ts';

interface SeedUrl {
  readonly url: string;
  readonly group: string;
  readonly protocols: readonly string[];
  readonly region: string | undefined;
}

export class SeedCatalogError extends Error {
  readonly code = 'SEED_CATALOG_INVALID';
  readonly retriable = false;
}

/** Seed group (dotted path under `sources:`) -> our tier. Unknown groups fail the build. */
const GROUP_TIERS: readonly (readonly [RegExp, Tier])[] = [
  [/^tier_1_premium$/, TIERS.premium],
  [/^fallback_sources\./, TIERS.premium],
  [/^tier_2_reliable$/, TIERS.reliable],
  [/^regional_optimized\./, TIERS.reliable],
  [/^specialized_protocols\./, TIERS.reliable],
  [/^tier_3_(bulk|extracted)$/, TIERS.bulk],
  [/^experimental$/, TIERS.experimental],
];

const PROTOCOL_ALIASES: Readonly<Record<string, string>> = {
  ss: 'shadowsocks',
  ssr: 'shadowsocksr',
  hy2: 'hysteria2',
};

export function tierOfGroup(group: string): Tier {
  const match = GROUP_TIERS.find(([pattern]) => pattern.test(group));
  if (!match) throw new SeedCatalogError(`seed group ${JSON.stringify(group)} has no tier mapping`);
  return match[1];
}

/** Every `urls:` list under the seed's `sources:` tree, with the dotted path of its group. */
export function collectSeedUrls(seed: unknown): SeedUrl[] {
  const sources = (seed as { sources?: unknown } | null)?.sources;
  if (typeof sources !== 'object' || sources === null) {
    throw new SeedCatalogError('seed catalog has no `sources:` mapping');
  }
  const out: SeedUrl[] = [];
  const walk = (node: unknown, path: readonly string[]): void => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'urls' && Array.isArray(value)) {
        for (const item of value) {
          const { url, protocols, region } = item as { url?: unknown; protocols?: unknown; region?: unknown };
          if (typeof url !== 'string') continue;
          out.push({
            url,
            group: path.join('.'),
            protocols: Array.isArray(protocols)
              ? protocols.filter((p): p is string => typeof p === 'string')
              : [],
            region: typeof region === 'string' ? region : undefined,
          });
        }
      } else {
        walk(value, [...path, key]);
      }
    }
  };
  walk(sources, []);
  return out;
}

interface Built {
  readonly id: string;
  readonly url: string;
  readonly tier: Tier;
  readonly tags: readonly string[];
}

export function buildEntries(seedUrls: readonly SeedUrl[]): Built[] {
  const byUrl = new Map<string, { tier: Tier; tags: Set<string> }>();
  const rank = (tier: Tier): number => TIER_LIST.indexOf(tier);
  for (const seed of seedUrls) {
    let url: URL;
    try {
      url = new URL(seed.url.trim());
    } catch {
      // Placeholders such as `${ALERT_WEBHOOK}` live outside `sources` groups; anything else is a bug.
      throw new SeedCatalogError(`seed group ${seed.group}: ${JSON.stringify(seed.url)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    const tier = tierOfGroup(seed.group);
    const tags = new Set<string>([`seed:${seed.group.toLowerCase()}`]);
    if (seed.region && seed.region.toLowerCase() !== 'global')
      tags.add(`region:${seed.region.toLowerCase()}`);
    for (const protocol of seed.protocols) {
      const name = protocol.toLowerCase();
      if (name !== 'all') tags.add(`protocol:${PROTOCOL_ALIASES[name] ?? name}`);
    }
    const held = byUrl.get(url.href);
    if (!held) byUrl.set(url.href, { tier, tags });
    else {
      if (rank(tier) < rank(held.tier)) held.tier = tier;
      for (const tag of tags) held.tags.add(tag);
    }
  }

  const slugs = new Map<string, string[]>();
  for (const url of byUrl.keys()) {
    const slug = sourceIdFromUrl(url, 72);
    slugs.set(slug, [...(slugs.get(slug) ?? []), url]);
  }
  const built: Built[] = [];
  for (const [slug, urls] of slugs) {
    for (const url of urls) {
      const held = byUrl.get(url);
      if (!held) continue;
      const suffix = createHash('sha256').update(url).digest('hex').slice(0, 6);
      built.push({
        id: urls.length === 1 ? slug : `${slug}-${suffix}`,
        url,
        tier: held.tier,
        tags: [...held.tags].sort(),
      });
    }
  }
  return built.sort((a, b) => rank(a.tier) - rank(b.tier) || a.id.localeCompare(b.id));
}

export function renderCatalog(entries: readonly Built[], header: string): string {
  const doc = new Document({
    allowPrivateAddresses: false,
    sources: entries.map((e) => ({
      id: e.id,
      urls: [e.url],
      tier: e.tier,
      format: 'auto',
      interval: formatInterval(TIER_DEFAULT_INTERVAL_SECONDS[e.tier]),
      tags: e.tags,
      enabled: true,
    })),
  });
  doc.commentBefore = header;
  // Block style throughout (as prettier formats YAML); URLs are never folded.
  return doc.toString({ lineWidth: 0 });
}

function main(argv: readonly string[]): number {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const seedPath = argv[0] ?? '/work/shared/seed-sources/sources.unified.yaml';
  const outPath = argv[1] ?? join(root, 'catalog', 'sources.default.yaml');
  const seedUrls = collectSeedUrls(parse(readFileSync(seedPath, 'utf8')));
  const entries = buildEntries(seedUrls);
  const counts = TIER_LIST.map((t) => `${t} ${entries.filter((e) => e.tier === t).length}`).join(', ');
  const header = [
    " submerge's default sources catalog. Generated by scripts/build-default-catalog.ts; edit",
    ' freely, or rebuild from the seed catalog and review the diff.',
    '',
    " Built from the seed project's catalog: config/sources.unified.yaml of",
    ' AmirrezaFarnamTaheri/StreamlineVPN (GPL-3.0) at cd4e0a8e6cb3429150d3e2838b1d4170c52801a0:',
    ` ${seedUrls.length} url entries -> ${entries.length} unique URLs (${counts}).`,
    ' Tags carry the seed group, region and protocol hints; they are hints, not measurements.',
    '',
    ' Entry fields: id, urls (primary first, then mirrors), tier (premium|reliable|bulk|',
    ' experimental), format (auto or a container format), interval (e.g. 30m, 1h), tags, enabled.',
  ].join('\n');
  const text = renderCatalog(entries, header);
  const check = parseCatalog(text);
  if (!check.ok) throw new CatalogError(check.issues);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, text);
  process.stdout.write(`wrote ${outPath}: ${entries.length} sources (${counts})\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
