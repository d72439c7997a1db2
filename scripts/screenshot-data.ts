// The data shown in the screenshots: 40 realistic leads over the stages (some won or lost with a
// reason, todos overdue, due today and later), contacts with email and phone, an organization,
// a healthy and a failing webhook, a second user and an API key. Calls that an older server does
// not support (organizations, keys) are skipped.
import type { Receiver } from '../test/helpers/receiver.ts';
import type { UiServer } from '../test/web/support/server.ts';

const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Soylent', 'Cyberdyne', 'Tyrell',
  'Wonka Industries', 'Oscorp', 'Vandelay Import', 'Pied Piper', 'Massive Dynamic', 'Aperture Science', 'Black Mesa', 'Gringotts', 'Monsters Inc', 'Dunder Mifflin',
  'Sterling Cooper', 'Bluth Company', 'Prestige Worldwide', 'Los Pollos', 'Paper Street', 'Krusty Krab', 'Nakatomi', 'Weyland', 'Virtucon', 'Spacely Sprockets',
  'Cogswell Cogs', 'Duff Brewery', 'Gekko & Co', 'Ollivanders', 'Planet Express', 'Rekall', 'Strickland Propane', 'Blue Sun', 'InGen', 'Zorg Industries'];

const day = (offset: number) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export async function seedShowcase(ui: UiServer, receiver: Receiver) {
  const pipeline = (await ui.api('GET', '/pipelines')).body[0];
  const healthy = (await ui.api('POST', '/webhooks', { url: receiver.url('/hooks'), description: 'CRM sync', handshake_key: 'hk-123' })).body;
  const failing = (await ui.api('POST', '/webhooks', { url: receiver.url('/failing'), events: ['lead:won', 'lead:lost', 'lead:created'], description: 'Sales alerts' })).body;
  const member = (await ui.api('POST', '/users', { name: 'Bea Seller', email: 'bea@example.test', password: 'bea password 1', role: 'member' })).body;
  const organization = await ui.api('POST', '/organizations', { name: 'Acme Holdings', email: 'hello@acme.test', website: 'https://acme.test', phone: '+1 555 0100' });
  const contact = (await ui.api('POST', '/contacts', { name: 'Wile E. Coyote', email: 'wile@acme.test', phone: '+1 555 0101', designation: 'Head of Procurement' })).body;
  if (organization.status === 201) await ui.api('PUT', `/contacts/${contact._id}`, { organization_id: organization.body._id });
  await ui.api('POST', '/keys', { name: 'Zapier' });
  let leadId = '';
  for (const [i, name] of COMPANIES.entries()) {
    const stage = pipeline.stages[i % pipeline.stages.length];
    const lead = (await ui.api('POST', '/leads', { name, pipeline_id: pipeline._id, stage_id: stage._id, size: 500 * ((i * 7) % 23) + 1000, user_id: i % 3 ? ui.owner.userId : member._id })).body;
    leadId ||= lead._id;
    if (i % 4 === 0) await ui.api('POST', `/leads/${lead._id}/todos`, { name: 'Follow up', type: 'Call', date: day(-2) });
    if (i % 4 === 1) await ui.api('POST', `/leads/${lead._id}/todos`, { name: 'Send quote', type: 'Email', date: day(0) });
    if (i % 4 === 2) await ui.api('POST', `/leads/${lead._id}/todos`, { name: 'Demo', type: 'Meetup', date: day(5) });
    if (i % 9 === 5) await ui.api('PUT', `/leads/${lead._id}`, { status: 'won', close_reason: 'Signed the annual plan' });
    if (i % 9 === 7) await ui.api('PUT', `/leads/${lead._id}`, { status: 'lost', close_reason: 'Chose a cheaper tool' });
  }
  await ui.api('PUT', `/leads/${leadId}/contacts/${contact._id}`);
  await ui.api('POST', `/leads/${leadId}/notes`, { content: 'Asked for a proposal by Friday.' });
  await ui.api('POST', `/leads/${leadId}/fields`, { name: 'Industry', value: 'Manufacturing' });
  await receiver.waitForRequest((r) => r.path === '/failing', 15_000).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 800));
  const deliveries = (await ui.api('GET', `/webhooks/${healthy._id}/deliveries`)).body;
  return {
    leadId,
    contactId: contact._id as string,
    organizationId: organization.status === 201 ? (organization.body._id as string) : 'none',
    failingWebhookId: failing._id as string,
    deliveryId: Array.isArray(deliveries) ? (deliveries[0]?._id ?? 'none') : 'none',
  };
}
