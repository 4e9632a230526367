import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSourceId, sourceIdFromUrl } from '../../../../services/core/catalog/source-id.ts';

describe('sourceIdFromUrl', () => {
  it.each([
    [
      'https://raw.githubusercontent.com/barry-far/V2ray-config/main/Sub1.txt',
      'gh-barry-far-v2ray-config-main-sub1-txt',
    ],
    ['https://www.example.com/sub', 'example-com-sub'],
    [
      'https://13.112.134.19:13800/api/v1/client/subscribe?token=secret',
      '13-112-134-19-13800-api-v1-client-subscribe',
    ],
    ['https://example.test/%E4%B8%AD/sub', 'example-test-sub'],
    ['http://[::1]:8080/a', '1-8080-a'],
  ])('derives %s -> %s', (url, id) => {
    expect(sourceIdFromUrl(url)).toBe(id);
  });

  it('leaves the query out, where subscription tokens live', () => {
    expect(sourceIdFromUrl('https://a.test/sub?token=abc123')).not.toContain('abc123');
  });

  it('keeps the start and the end of a long path within the length limit', () => {
    const id = sourceIdFromUrl(
      `https://raw.githubusercontent.com/owner/${'x'.repeat(200)}/file-name.txt`,
      60,
    );
    expect(id.length).toBeLessThanOrEqual(60);
    expect(id.startsWith('gh-owner-')).toBe(true);
    expect(id.endsWith('file-name-txt')).toBe(true);
  });

  it('always yields a valid source id', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.integer({ min: 20, max: 100 }),
        (url, max) => {
          const id = sourceIdFromUrl(url, max);
          expect(isSourceId(id), `${url} -> ${id}`).toBe(true);
          expect(id.length).toBeLessThanOrEqual(max);
        },
      ),
    );
  });
});
