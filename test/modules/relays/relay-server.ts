import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpSignature from 'http-signature';

/**
 * A relay for tests: a real HTTP server on 127.0.0.1 with its own RSA key. It serves its actor
 * document, checks the signature of every activity POSTed to its inbox with http-signature against
 * the gateway's published key (fetched from the gateway's actor document, as a relay does), and can
 * answer a Follow with a signed Accept POSTed to the gateway's inbox. Nothing in it is a stand-in for
 * the gateway's code: it speaks HTTP to the gateway as a relay would.
 */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  activity: any;
  /** The signature verified with the gateway's actor key, the keyId was the gateway's, the digest matched. */
  verified: boolean;
  keyId: string | null;
}

export interface RelayOptions {
  /** The gateway's actor document (GET <PUBLIC_URL>/relay), as the relay would fetch it. */
  fetchGatewayActor: () => Promise<{ contentType: string | null; body: any }>;
  /** Where to POST activities to the gateway: its listening port, and the Host it is known by. */
  gatewayInbox?: () => { port: number; host: string; path: string };
}

export class TestRelay {
  readonly keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  readonly received: Received[] = [];
  readonly actorRequests: { headers: IncomingMessage['headers'] }[] = [];
  /** Inbox posts still to answer with HTTP 500 before accepting. */
  failNext = 0;
  /** Answer Follows with a signed Accept. */
  autoAccept = true;
  /** Paths that never answer (the socket stays open until the client gives up). */
  readonly hang = new Set<string>();
  /** Errors of Accepts sent by itself (autoAccept). */
  readonly sendErrors: Error[] = [];
  /** Requests to hanging paths received, and those whose socket the client then closed. */
  hanging = 0;
  abandoned = 0;
  private server!: Server;
  base = '';

  constructor(private readonly opts: RelayOptions) {}

  get actorUrl() {
    return `${this.base}/actor`;
  }

  actorDocument(overrides: Record<string, unknown> = {}) {
    return {
      '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
      id: this.actorUrl,
      type: 'Application',
      preferredUsername: 'relay',
      inbox: `${this.base}/inbox`,
      publicKey: { id: `${this.actorUrl}#main-key`, owner: this.actorUrl, publicKeyPem: this.keys.publicKey },
      ...overrides,
    };
  }

  /** Extra documents by path (e.g. something that is not an actor). */
  readonly documents = new Map<string, { status: number; contentType: string; body: string }>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const path = req.url ?? '/';
        if (this.hang.has(path)) {
          this.hanging++;
          req.socket.on('close', () => this.abandoned++);
          return;
        }
        const doc = this.documents.get(path);
        if (doc) return res.writeHead(doc.status, { 'content-type': doc.contentType }).end(doc.body);
        if (req.method === 'GET' && path === '/actor') {
          this.actorRequests.push({ headers: req.headers });
          return res.writeHead(200, { 'content-type': 'application/activity+json' }).end(JSON.stringify(this.actorDocument()));
        }
        if (req.method === 'POST' && path === '/inbox') {
          const body = Buffer.concat(chunks);
          const got = await this.check(req, body);
          this.received.push(got);
          if (this.failNext > 0) {
            this.failNext--;
            return res.writeHead(500).end('try again');
          }
          res.writeHead(202).end();
          // An Accept still in flight when the test ends meets a closed gateway: kept, not thrown.
          if (this.autoAccept && got.verified && got.activity?.type === 'Follow')
            this.send(this.acceptOf(got.activity)).catch((e: Error) => this.sendErrors.push(e));
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Verifies an inbox POST the way a relay does: the keyId's actor, its key, the signed headers, the digest. */
  private async check(req: IncomingMessage, body: Buffer): Promise<Received> {
    const base = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, activity: safeJson(body) };
    try {
      const parsed = httpSignature.parseRequest(req as never, { headers: ['(request-target)', 'host', 'date', 'digest'] });
      const actor = await this.opts.fetchGatewayActor();
      const keyOk = parsed.params.keyId === actor.body.publicKey.id && actor.contentType?.startsWith('application/activity+json') === true;
      const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
      const verified = keyOk && req.headers.digest === digest && httpSignature.verifySignature(parsed, actor.body.publicKey.publicKeyPem);
      return { ...base, verified, keyId: parsed.params.keyId };
    } catch {
      return { ...base, verified: false, keyId: null };
    }
  }

  acceptOf(follow: any) {
    return {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${this.base}/activities/${Math.random().toString(36).slice(2)}`,
      type: 'Accept',
      actor: this.actorUrl,
      object: follow,
    };
  }

  /** POSTs an activity to the gateway's inbox, signed with `key` (the relay's own unless given). */
  async send(activity: unknown, opts: { key?: string; keyId?: string; body?: string; digest?: string } = {}): Promise<{ status: number; body: string }> {
    const target = this.opts.gatewayInbox!();
    const body = opts.body ?? JSON.stringify(activity);
    const headers: Record<string, string> = {
      host: target.host,
      date: new Date().toUTCString(),
      digest: opts.digest ?? `SHA-256=${createHash('sha256').update(body).digest('base64')}`,
      'content-type': 'application/activity+json',
      'content-length': String(Buffer.byteLength(body)),
    };
    const carrier = {
      method: 'POST',
      path: target.path,
      getHeader: (n: string) => headers[n.toLowerCase()],
      setHeader: (n: string, v: string) => {
        headers[n.toLowerCase()] = v;
      },
    };
    httpSignature.signRequest(carrier as never, {
      keyId: opts.keyId ?? `${this.actorUrl}#main-key`,
      key: opts.key ?? this.keys.privateKey,
      algorithm: 'rsa-sha256',
      headers: ['(request-target)', 'host', 'date', 'digest'],
    });
    headers.signature = headers.authorization.replace(/^Signature /, '');
    delete headers.authorization;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: target.port, path: target.path, method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}
