import { AppError } from '../../core/errors.js';
import { ACTIVITY_JSON, readRemoteActor, type RemoteActor } from './activities.js';
import { OutboundError, outboundRequest, type OutboundOptions } from '../../core/outbound.js';
import { signedHeaders, type SigningKey } from './signatures.js';

/** A relay could not be reached, or answered something that is not a relay actor (502 in the shims). */
export const upstreamError = (message: string) => new AppError('UPSTREAM', message);

/**
 * Fetches a relay's actor document (a signed GET, for relays that require authorized fetch) and reads
 * its inbox and key. UPSTREAM when it cannot be reached, answers other than 200, or is not an actor.
 */
export async function fetchRelayActor(url: URL, key: SigningKey, outbound: OutboundOptions): Promise<RemoteActor> {
  let answer: Awaited<ReturnType<typeof outboundRequest>>;
  try {
    const headers = signedHeaders('GET', url, key, undefined, {
      accept: `${ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`,
    });
    answer = await outboundRequest(url, { method: 'GET', headers }, outbound);
  } catch (error) {
    if (error instanceof OutboundError) throw upstreamError(`The relay could not be reached: ${error.message}`);
    throw error;
  }
  if (answer.status !== 200) throw upstreamError(`The relay answered HTTP ${answer.status} for its actor`);
  let document: unknown;
  try {
    document = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw upstreamError('The relay URL does not answer JSON: not an ActivityPub actor');
  }
  const actor = readRemoteActor(document, url);
  if (typeof actor === 'string') throw upstreamError(`The relay URL is ${actor}`);
  return actor;
}
