import { describe, expect, it } from 'vitest';
import { parseSubscription } from '../../../services/core/formats/parse-subscription.ts';
import { fingerprint } from '../../../services/core/identity/fingerprint.ts';
import { explain, mergeVariants } from '../../../services/core/identity/merge-variants.ts';
import type { ParsedConfig } from '../../../services/core/model/index.ts';
import { listCorpusFiles, type CorpusFile } from '../../helpers/fuzz-seeds.ts';

/**
 * Every publisher in the corpus publishes one node set per commit in several formats
 * (share-link list, Clash YAML, sing-box JSON, Xray JSON, QuanX). A node is matched across
 * two files of one commit by its endpoint (protocol, server, port) when that endpoint is
 * unambiguous in both files; names are renumbered per format, so they cannot be used. The
 * default (credential) fingerprint must then be equal, unless the publisher really changed
 * the credential between its own formats: those cases are listed here, each with the reason.
 */
const PUBLISHER_CHANGES: readonly {
  readonly commit: string;
  readonly endpoint: string;
  readonly why: string;
}[] = [
  {
    commit: 'a1172cd98c41',
    endpoint: 'hysteria2 gavazn.lnmarketplace.net:45000',
    why: 'the sing-box file carries the password still percent-encoded (`Telegram--%3E%40Ln2Ray`), the link decodes to `Telegram-->@Ln2Ray`',
  },
];

interface FileConfigs {
  readonly file: CorpusFile;
  readonly byEndpoint: ReadonlyMap<string, readonly ParsedConfig[]>;
}

const label = (p: ParsedConfig): string => `${p.config.protocol} ${p.config.server}:${p.config.port}`;
const short = (file: CorpusFile): string => file.relative.split('/').slice(2).join('/');

function commits(): Map<string, FileConfigs[]> {
  const out = new Map<string, FileConfigs[]>();
  for (const file of listCorpusFiles()) {
    const byEndpoint = new Map<string, ParsedConfig[]>();
    for (const parsed of parseSubscription(file.body).configs) {
      const key = fingerprint(parsed.config, 'endpoint');
      byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), parsed]);
    }
    if (byEndpoint.size === 0) continue;
    out.set(file.commit, [...(out.get(file.commit) ?? []), { file, byEndpoint }]);
  }
  return out;
}

describe('the same node across a publisher’s formats', () => {
  const byCommit = commits();
  const matches: { commit: string; a: FileConfigs; b: FileConfigs; pa: ParsedConfig; pb: ParsedConfig }[] =
    [];
  for (const [commit, files] of byCommit) {
    for (let i = 0; i < files.length; i++) {
      for (let j = i + 1; j < files.length; j++) {
        const a = files[i];
        const b = files[j];
        if (a === undefined || b === undefined) continue;
        for (const [endpoint, inA] of a.byEndpoint) {
          const inB = b.byEndpoint.get(endpoint);
          const [pa] = inA;
          const [pb] = inB ?? [];
          if (inA.length === 1 && inB?.length === 1 && pa !== undefined && pb !== undefined) {
            matches.push({ commit, a, b, pa, pb });
          }
        }
      }
    }
  }

  it('matches thousands of nodes between the link lists, YAML, sing-box and Xray files', () => {
    expect(matches.length).toBeGreaterThan(3000);
    // Each snakem982 commit publishes the same set as links, YAML and sing-box: all three must meet.
    for (const [commit, files] of byCommit) {
      const names = files.map((f) => short(f.file));
      if (!names.includes('source/v2ray-2.txt')) continue;
      const triple = matches.filter(
        (m) =>
          m.commit === commit &&
          short(m.a.file).startsWith('source/') &&
          short(m.b.file).startsWith('source/'),
      );
      expect(triple.length, commit).toBeGreaterThan(150);
    }
  });

  it('gives every matched node the same default fingerprint unless the publisher changed its credential', () => {
    const differing = new Map<string, string>();
    for (const m of matches) {
      if (fingerprint(m.pa.config) === fingerprint(m.pb.config)) continue;
      const [group] = mergeVariants([m.pa, m.pb], 'endpoint');
      const what = group === undefined ? [] : explain(group).differences.map((d) => d.field);
      differing.set(
        `${m.commit} ${label(m.pa)}`,
        `${short(m.a.file)} vs ${short(m.b.file)}: ${what.join(', ')}`,
      );
    }
    expect([...differing.keys()].sort()).toEqual(
      PUBLISHER_CHANGES.map((c) => `${c.commit} ${c.endpoint}`).sort(),
    );
  });

  it('never lets the display name decide: renumbered names still share one fingerprint', () => {
    const renamed = matches.filter(
      (m) => m.pa.config.name !== m.pb.config.name && fingerprint(m.pa.config) === fingerprint(m.pb.config),
    );
    expect(renamed.length).toBeGreaterThan(1000);
  });

  it('folds a commit’s formats into one identity per node, with the variants explained', () => {
    // snakem982 @ 3cb8a3de: link list + YAML + sing-box, deduped together.
    const files = byCommit.get('3cb8a3de9def') ?? [];
    const all = files.flatMap((f) =>
      [...f.byEndpoint.values()].flat().map((p) => ({ ...p, source: short(f.file) })),
    );
    const groups = mergeVariants(all);
    const multi = groups.filter((g) => new Set(g.members.map((m) => m.source)).size >= 3);
    expect(multi.length).toBeGreaterThan(50);
    for (const group of multi) {
      const explanation = explain(group);
      expect(explanation.inputCount).toBe(group.members.length);
      expect(explanation.variants.flatMap((v) => v.inputs).map((i) => i.source)).toHaveLength(
        group.members.length,
      );
      // A variant split always names the settings that differ.
      expect(explanation.variants.length === 1 || explanation.differences.length > 0).toBe(true);
    }
  });
});
