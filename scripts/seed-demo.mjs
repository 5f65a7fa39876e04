#!/usr/bin/env node
// Seeds the demo clients through the operator API (idempotent: an existing client gets a new
// admin key) and prints where everything is.
import { operatorPost, waitForHealthy, edgeUrl } from './lib/operator.mjs';

const demoPort = process.env.DEMO_PORT || 8080;
const providerPort = process.env.PROVIDER_PORT || 8081;
const origins = [`http://127.0.0.1:${demoPort}`, `http://localhost:${demoPort}`];

const clients = [
  {
    slug: 'demo-spa',
    name: 'Seaside Day Spa',
    allowedOrigins: origins,
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: `http://127.0.0.1:${providerPort}/book`,
    externalBookingUtmCampaign: 'spa-demo',
    externalBookingDisclaimer: 'Prices and availability are shown on the booking page.',
    contactEmail: 'hello@seaside-spa.example',
    contactPhone: '+1 (555) 010-2030',
    services: ['Massage', 'Facial', 'Hot stone ritual'],
  },
  {
    slug: 'demo-unconfigured',
    name: 'Harbor Physio',
    allowedOrigins: origins,
    bookingMode: 'external',
    externalBookingUrl: '',
    contactEmail: 'front-desk@harbor-physio.example',
    contactPhone: '+1 (555) 010-4050',
    services: ['Assessment', 'Sports massage'],
  },
];

try {
  await waitForHealthy();
  const keys = [];
  for (const client of clients) {
    let { status, body } = await operatorPost('/api/v1/operator/clients', client);
    if (status === 409) {
      ({ status, body } = await operatorPost(`/api/v1/operator/clients/${client.slug}/admin-keys`, { label: 'demo start' }));
    }
    if (status !== 201) throw new Error(`seeding ${client.slug} failed (${status}): ${body.message}`);
    keys.push([client.slug, body.adminKey]);
  }
  const edge = edgeUrl();
  console.log('\n==================== Handoff is running ====================');
  console.log(`Demo business website : http://127.0.0.1:${demoPort}/`);
  console.log(`Not-configured demo   : http://127.0.0.1:${demoPort}/unavailable`);
  console.log(`Demo booking provider : http://127.0.0.1:${providerPort}/book`);
  console.log(`Edge (API, widget.js) : ${edge}/`);
  console.log(`Hosted booking page   : ${edge}/b/demo-spa`);
  console.log(`Dashboard             : ${edge}/dashboard`);
  for (const [slug, key] of keys) console.log(`Admin key (${slug}) : ${key}`);
  console.log('Press Ctrl-C to stop.');
  console.log('=============================================================\n');
} catch (e) {
  console.error(`[seed] ${e.message}`);
  process.exit(1);
}
