/**
 * Every call's URL is parsed once and kept (issue 22: parsing the same three URLs on every login showed in the CPU
 * profile), in a cache that cannot grow with the `next` links Bitbucket sends: it is emptied when full.
 */
import { Cancellation, describeEndpoint, httpRequest, TransportError } from '../../lib/transport/http';
import { parseURL } from '../../lib/transport/call';

describe('parsed URLs', () => {
  it('are parsed once per URL: the same parsed URL comes back', () => {
    const url = 'https://api.bitbucket.org/2.0/user/emails?pagelen=100';
    expect(parseURL(url)).toBe(parseURL(url));
    expect(parseURL(url).endpoint).toBe('https://api.bitbucket.org/2.0/user/emails');
    expect(parseURL(url).options).toMatchObject({
      hostname: 'api.bitbucket.org',
      path: '/2.0/user/emails?pagelen=100',
    });
    expect(describeEndpoint('GET', url)).toBe('GET https://api.bitbucket.org/2.0/user/emails');
  });

  it('are kept 64 at most: past that the cache starts again', () => {
    const first = parseURL('https://api.bitbucket.org/2.0/user?kept');
    for (let page = 0; page < 64; page++) parseURL(`https://api.bitbucket.org/2.0/user/emails?page=${page}`);
    expect(parseURL('https://api.bitbucket.org/2.0/user?kept')).not.toBe(first);
  });

  it('refuse what is no URL, as a TypeError', () => {
    // Node's own TypeError (another realm than the test's): its name and code tell it.
    expect(() => parseURL('not a url')).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_URL' }),
    );
  });
});

describe('a cancellation', () => {
  it('calls each listener once, in order, and not those removed', () => {
    const cancellation = new Cancellation();
    const calls: string[] = [];
    cancellation.onCancel(() => calls.push('a'));
    const stop = cancellation.onCancel(() => calls.push('b'));
    cancellation.onCancel(() => calls.push('c'));
    stop();
    cancellation.cancel();
    cancellation.cancel();
    expect(calls).toEqual(['a', 'c']);
    expect(cancellation.cancelled).toBe(true);
  });

  it('ends a call started after it at once, with no request sent', async () => {
    const cancellation = new Cancellation();
    cancellation.cancel();
    // 192.0.2.1 (TEST-NET-1) is never routed: a request sent there could only time out.
    const call = httpRequest({
      method: 'GET',
      url: 'http://192.0.2.1/2.0/user',
      timeoutMs: 5_000,
      maxBytes: 1024,
      cancellation,
    });
    await expect(call).rejects.toThrow(new TransportError('cancelled', 'GET http://192.0.2.1/2.0/user was cancelled'));
  });
});
