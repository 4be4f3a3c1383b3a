import { z } from 'zod';
import { outboundUrl } from '../../core/outbound-url.js';

/** A relay's actor URL (core/outbound-url: absolute http(s), no credentials, no fragment). */
export const relayUrl = outboundUrl;

export const relayUrlSchema = z.object({ url: relayUrl.describe("The relay's actor URL, e.g. https://relay.example/actor") });
