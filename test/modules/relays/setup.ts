import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { useGateway, type TestGateway } from '../../helpers/app.js';
import { TestRelay } from './relay-server.js';

export const PUBLIC_URL = 'http://gateway.test';

/**
 * A gateway (listening on 127.0.0.1, known to relays as gateway.test, outbound requests to private
 * addresses allowed) and one test relay for the file.
 */
export function useRelayGateway(env: Record<string, string> = {}): { gw: TestGateway; relay: () => TestRelay; newRelay: () => Promise<TestRelay> } {
  const gw = useGateway({ PUBLIC_URL, OUTBOUND_ALLOW_PRIVATE: 'true', RELAY_RETRY_SECONDS: '0.05', ...env });
  let server: Server;
  let port = 0;
  const relays: TestRelay[] = [];
  const newRelay = async () => {
    const relay = new TestRelay({
      fetchGatewayActor: async () => {
        const res = await gw.request('/relay');
        return { contentType: res.headers.get('content-type'), body: await res.json() };
      },
      gatewayInbox: () => ({ port, host: 'gateway.test', path: '/relay/inbox' }),
    });
    await relay.start();
    relays.push(relay);
    return relay;
  };
  beforeAll(async () => {
    server = createServer(gw.app.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    await newRelay();
  });
  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { gw, relay: () => relays[0], newRelay };
}
