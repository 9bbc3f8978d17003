import selfsigned from 'selfsigned';

const cache = new Map<string, Promise<{ key: string; cert: string }>>();

/**
 * A self-signed certificate for localhost, 127.0.0.1 and any extra host names (e.g. `simulator` in docker-compose);
 * the driver always speaks HTTPS and Node checks the subjectAltName. Made once per process and name set.
 */
export function warehouseCertificate(extraHostNames: string[] = []): Promise<{ key: string; cert: string }> {
  const names = ['localhost', ...extraHostNames.filter((n) => n !== 'localhost')];
  const key = names.join(',');
  let pending = cache.get(key);
  if (!pending) {
    pending = Promise.resolve(
      selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
        keySize: 2048,
        extensions: [{ name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }] }],
      }),
    ).then((pems: { private: string; cert: string }) => ({ key: pems.private, cert: pems.cert }));
    cache.set(key, pending);
  }
  return pending;
}
