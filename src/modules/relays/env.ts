import { SecretBox } from '../../core/secret-box.js';
import type { Config } from '../../config.js';
import type { OutboundOptions } from '../../core/outbound.js';

/** What relay actions, the delivery worker and the ActivityPub routes need beyond the database. */
export interface RelayEnv {
  /** PUBLIC_URL: the relay actor is `<publicUrl>/relay`. */
  publicUrl: string;
  /** Seals the relay actor's private key (SECRETS_KEY, its own HKDF purpose). */
  box: SecretBox;
  outbound: OutboundOptions;
  retrySeconds: number;
}

const made = new WeakMap<Config, RelayEnv>();

/** The relay environment of a configuration (one per configuration object, so the key box is derived once). */
export function relayEnvOf(config: Config): RelayEnv {
  let env = made.get(config);
  if (!env) {
    if (!config.secretsKey) throw new Error('relays need SECRETS_KEY (resolved at start) to seal the relay actor key');
    env = {
      publicUrl: config.publicUrl,
      box: new SecretBox(config.secretsKey, 'relay actor key'),
      outbound: { allowPrivate: config.outbound.allowPrivate },
      retrySeconds: config.relays.retrySeconds,
    };
    made.set(config, env);
  }
  return env;
}
