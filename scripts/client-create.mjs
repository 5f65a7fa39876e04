#!/usr/bin/env node
// Operator command: creates a client (tenant) and prints its new admin key once.
// Usage: npm run client:create -- --slug acme --name "Acme Spa" --origin https://acme.example \
//          [--booking-url URL] [--provider NAME] [--mode external|internal] [--contact-email E]
//          [--contact-phone P] [--services "Massage,Facial"] [--utm-campaign C] [--utm-source S]
// The admin key is the last line of the output, alone, so tools can read it with `tail -n 1`.
import { parseArgs } from 'node:util';
import { operatorPost } from './lib/operator.mjs';

const { values: v } = parseArgs({
  options: {
    slug: { type: 'string' },
    name: { type: 'string' },
    origin: { type: 'string', multiple: true, default: [] },
    'booking-url': { type: 'string', default: '' },
    provider: { type: 'string', default: '' },
    mode: { type: 'string', default: 'external' },
    'contact-email': { type: 'string', default: '' },
    'contact-phone': { type: 'string', default: '' },
    services: { type: 'string', default: '' },
    'utm-source': { type: 'string', default: '' },
    'utm-campaign': { type: 'string', default: '' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (v.help || !v.slug || !v.name) {
  console.error('usage: npm run client:create -- --slug SLUG --name NAME --origin ORIGIN [--booking-url URL] [--provider NAME] [--mode external|internal] [--contact-email E] [--contact-phone P] [--services "A,B"] [--utm-source S] [--utm-campaign C]');
  process.exit(v.help ? 0 : 2);
}

try {
  const { status, body } = await operatorPost('/api/v1/operator/clients', {
    slug: v.slug,
    name: v.name,
    allowedOrigins: v.origin,
    bookingMode: v.mode,
    externalBookingUrl: v['booking-url'],
    externalBookingProviderName: v.provider,
    contactEmail: v['contact-email'],
    contactPhone: v['contact-phone'],
    services: v.services ? v.services.split(',').map((s) => s.trim()).filter(Boolean) : [],
    externalBookingUtmSource: v['utm-source'],
    externalBookingUtmCampaign: v['utm-campaign'],
  });
  if (status !== 201) {
    console.error(`Could not create the client (${status}): ${body.message}`);
    for (const [field, msg] of Object.entries(body.fields || {})) console.error(`  ${field}: ${msg}`);
    process.exit(1);
  }
  console.log(`Created client "${v.name}" (slug ${body.slug}).`);
  console.log('Its admin key follows. It is shown once and stored only as a hash: keep it safe.');
  console.log(body.adminKey);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
