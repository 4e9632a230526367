/** Source ids: lower-case slugs, safe as Kafka keys, metric labels and URL path segments. */
export const SOURCE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$/;
export const SOURCE_ID_MAX_LENGTH = 100;

export function isSourceId(value: string): boolean {
  return SOURCE_ID_PATTERN.test(value);
}

/** Hosts whose name says nothing about the source; the path is what identifies it. */
const HOST_ALIASES: Readonly<Record<string, string>> = {
  'raw.githubusercontent.com': 'gh',
  'gist.githubusercontent.com': 'gist',
  'github.com': 'gh',
  'gist.github.com': 'gist',
  'cdn.jsdelivr.net': 'jsdelivr',
  'bitbucket.org': 'bitbucket',
};

/**
 * A readable id derived from a URL: host (or a short alias) plus path, slugged, e.g.
 * `https://raw.githubusercontent.com/a/b/main/sub.txt` -> `gh-a-b-main-sub-txt`. The query
 * is left out: it is where subscription tokens usually live, and ids end up in logs and
 * metric labels. Long slugs keep their start and end so both the owner and the file stay
 * visible. The same URL always gives the same id; callers resolve the rare collisions
 * (URLs differing only in query or case).
 */
export function sourceIdFromUrl(url: string, maxLength = 80): string {
  const parsed = new URL(url);
  const host = HOST_ALIASES[parsed.hostname] ?? parsed.hostname.replace(/^www\./, '');
  const port = parsed.port ? `-${parsed.port}` : '';
  const raw = `${host}${port}-${decodeSafely(parsed.pathname)}`;
  const slug = raw
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= maxLength) return slug;
  const head = slug.slice(0, Math.ceil(maxLength / 2) - 1).replace(/-+$/, '');
  const tail = slug.slice(slug.length - Math.floor(maxLength / 2) + 1).replace(/^-+/, '');
  return `${head}--${tail}`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
