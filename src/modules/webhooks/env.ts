import { randomBytes } from 'node:crypto';
import type { OutboundOptions } from '../../core/outbound.js';
import { SecretBox } from '../../core/secret-box.js';
import type { Config } from '../../config.js';

/** What webhook actions and the delivery worker need beyond the database. */
export interface WebhookEnv {
  /** Seals endpoint secrets (SECRETS_KEY, its own HKDF purpose). */
  box: SecretBox;
  outbound: OutboundOptions;
  retrySeconds: number;
}

const made = new WeakMap<Config, WebhookEnv>();

/** The webhook environment of a configuration (one per configuration object, so the key is derived once). */
export function webhookEnvOf(config: Config): WebhookEnv {
  let env = made.get(config);
  if (!env) {
    if (!config.secretsKey) throw new Error('webhooks need SECRETS_KEY (resolved at start) to seal endpoint secrets');
    env = {
      box: new SecretBox(config.secretsKey, 'webhook secret'),
      outbound: { allowPrivate: config.outbound.allowPrivate },
      retrySeconds: config.webhooks.retrySeconds,
    };
    made.set(config, env);
  }
  return env;
}

/** A new signing secret in the Standard Webhooks format: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** The context a secret is sealed with: it opens only on the row it was made for. */
export const secretContext = (endpointId: bigint) => `webhook-endpoint:${endpointId}`;
