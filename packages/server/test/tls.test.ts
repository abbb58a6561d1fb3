// Self-signed certificates from node-forge: accepted by node's https server, trusted by a client that
// pins the certificate as its CA, refused by one that does not.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../src/tls.js';

function get(url: string, ca?: string, servername?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, servername, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('selfSignedCertificate', function () {
  this.timeout(20_000);
  const now = new Date();
  let pair: { cert: string; key: string };
  let x509: X509Certificate;
  let server: https.Server;
  let port: number;

  before(async () => {
    pair = selfSignedCertificate(['gitgate.test', '10.1.2.3'], { now });
    x509 = new X509Certificate(pair.cert);
    server = https.createServer({ cert: pair.cert, key: pair.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves HTTPS to a client that trusts the certificate as its CA', async () => {
    expect(await get(`https://127.0.0.1:${port}/`, pair.cert)).to.deep.equal({ status: 200, body: 'ok' });
  });

  it('matches a DNS name it was made for', async () => {
    expect((await get(`https://127.0.0.1:${port}/`, pair.cert, 'gitgate.test')).status).to.equal(200);
  });

  it('is refused by a client without that CA', async () => {
    let err: unknown;
    try {
      await get(`https://127.0.0.1:${port}/`);
    } catch (e) {
      err = e;
    }
    expect((err as NodeJS.ErrnoException)?.code).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('lists the names, 127.0.0.1 and localhost as subject alternative names', () => {
    expect(x509.subjectAltName).to.equal('DNS:gitgate.test, IP Address:10.1.2.3, IP Address:127.0.0.1, DNS:localhost');
  });

  it('uses a 2048-bit RSA key', () => {
    expect(x509.publicKey.asymmetricKeyType).to.equal('rsa');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).to.equal(2048);
  });

  it('is valid for one year', () => {
    const days = (Date.parse(x509.validTo) - now.getTime()) / 86_400_000;
    expect(days).to.be.within(364.9, 365.1);
    expect(Date.parse(x509.validFrom)).to.be.at.most(now.getTime());
  });

  it('is signed by its own key', () => {
    expect(x509.verify(x509.publicKey)).to.equal(true);
    expect(x509.checkIssued(x509)).to.equal(true);
  });

  it('refuses a malformed host name', () => {
    expect(() => selfSignedCertificate(['bad name'])).to.throw(TypeError);
  });
});
