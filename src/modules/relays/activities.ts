import { z } from 'zod';

/**
 * The ActivityPub documents of the relay actor and what it sends, and the reading of a remote
 * relay's actor document. JSON-LD is written in its compact form with the contexts every fediverse
 * server knows; nothing here expands JSON-LD (the fields read are the plain compact ones).
 */
export const ACTIVITY_JSON = 'application/activity+json';
const AS = 'https://www.w3.org/ns/activitystreams';
const SECURITY = 'https://w3id.org/security/v1';

/** The relay actor's URLs under PUBLIC_URL. */
export function relayUrls(publicUrl: string) {
  const id = `${publicUrl}/relay`;
  return { id, keyId: `${id}#main-key`, inbox: `${id}/inbox`, outbox: `${id}/outbox`, followers: `${id}/followers`, following: `${id}/following` };
}

/** The relay actor: an Application, as Pleroma's instance relay actor is. */
export function actorDocument(publicUrl: string, publicKeyPem: string): Record<string, unknown> {
  const u = relayUrls(publicUrl);
  return {
    '@context': [AS, SECURITY],
    id: u.id,
    type: 'Application',
    preferredUsername: 'relay',
    name: 'Relay',
    summary: "This instance's relay actor: it follows relays for the instance.",
    url: u.id,
    inbox: u.inbox,
    outbox: u.outbox,
    followers: u.followers,
    following: u.following,
    endpoints: { sharedInbox: u.inbox },
    manuallyApprovesFollowers: false,
    publicKey: { id: u.keyId, owner: u.id, publicKeyPem },
  };
}

/** An OrderedCollection holding `items` whole (relay collections are small). */
export function orderedCollection(id: string, items: readonly string[]): Record<string, unknown> {
  return { '@context': AS, id, type: 'OrderedCollection', totalItems: items.length, orderedItems: items };
}

export function followActivity(publicUrl: string, id: string, relayActorUrl: string): Record<string, unknown> {
  const actor = relayUrls(publicUrl).id;
  return { '@context': AS, id, type: 'Follow', actor, object: relayActorUrl, to: [relayActorUrl] };
}

export function undoActivity(publicUrl: string, id: string, follow: Record<string, unknown>, relayActorUrl: string): Record<string, unknown> {
  const { '@context': _context, ...object } = follow;
  return { '@context': AS, id, type: 'Undo', actor: relayUrls(publicUrl).id, object, to: [relayActorUrl] };
}

/** Types of actor a relay presents itself as (LitePub relays: Application; ActivityRelay, pub-relay: Service/Application). */
const ACTOR_TYPES = ['Application', 'Service', 'Group', 'Organization', 'Person'] as const;

const httpUrl = z.string().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'an http(s) URL');

const remoteActorSchema = z.object({
  id: httpUrl,
  type: z.union([z.enum(ACTOR_TYPES), z.array(z.string()).refine((t) => t.some((x) => (ACTOR_TYPES as readonly string[]).includes(x)))]),
  inbox: httpUrl,
  endpoints: z.object({ sharedInbox: httpUrl.optional() }).partial().optional(),
  publicKey: z.object({ id: httpUrl, publicKeyPem: z.string().min(100).max(10_000).startsWith('-----BEGIN PUBLIC KEY-----') }),
});

export interface RemoteActor {
  id: string;
  inbox: string;
  publicKeyId: string;
  publicKeyPem: string;
}

/**
 * The relay actor a fetched document describes, or the reason it is none. Its id, key and inbox must
 * be on the origin it was fetched from, so one server cannot pass off another's actor or key.
 */
export function readRemoteActor(document: unknown, fetchedFrom: URL): RemoteActor | string {
  const parsed = remoteActorSchema.safeParse(document);
  if (!parsed.success) return `not an ActivityPub actor (${parsed.error.issues[0].path.join('.') || 'document'}: ${parsed.error.issues[0].message})`;
  const actor = parsed.data;
  for (const [name, url] of [
    ['id', actor.id],
    ['publicKey.id', actor.publicKey.id],
  ] as const) {
    if (new URL(url).origin !== fetchedFrom.origin) return `not an actor of ${fetchedFrom.origin} (its ${name} is elsewhere)`;
  }
  return { id: actor.id, inbox: actor.inbox, publicKeyId: actor.publicKey.id, publicKeyPem: actor.publicKey.publicKeyPem };
}

/** An activity arriving at the relay inbox, as far as it is read. */
export const inboundActivitySchema = z.object({
  id: z.string().max(2048).optional(),
  type: z.string().max(64),
  actor: z.union([z.string().max(2048), z.object({ id: z.string().max(2048) })]).transform((a) => (typeof a === 'string' ? a : a.id)),
  object: z.union([
    z.string().max(2048),
    z.looseObject({
      id: z.string().max(2048).optional(),
      type: z.string().max(64).optional(),
      actor: z.unknown().optional(),
      object: z.unknown().optional(),
    }),
  ]),
});
export type InboundActivity = z.output<typeof inboundActivitySchema>;
