import selfsigned from 'selfsigned';

let cached: Promise<{ key: string; cert: string }> | undefined;

/** A self-signed certificate for localhost and 127.0.0.1 (the driver always speaks HTTPS), made once per process. */
export function warehouseCertificate(): Promise<{ key: string; cert: string }> {
  cached ??= Promise.resolve(
    selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    }),
  ).then((pems: { private: string; cert: string }) => ({ key: pems.private, cert: pems.cert }));
  return cached;
}
