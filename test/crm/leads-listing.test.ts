// GET /leads search, filters, sort and GET /leads/stage-totals; the won/lost reason on PUT /leads/:id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';

type Lead = { _id: string; name: string; size: number | null; status: string; close_reason: string | null; next_todo_date: string | null };

for (const dialect of DIALECTS) {
  describe(`leads listing [${dialect}]`, () => {
    const h = useHarness(dialect);

    async function seeded() {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const make = async (name: string, size: number | null, stage: number) =>
        (await acct.api('POST', '/leads', { name, pipeline_id: pipe._id, stage_id: pipe.stages[stage]!._id, size })).body as Lead;
      const acme = await make('Acme Corp', 500, 0);
      const globex = await make('Globex', 1500, 1);
      const initech = await make('Initech 100%_deal', null, 1);
      const hooli = await make('hooli', 50, 0);
      const contact = (await acct.api('POST', '/contacts', { name: 'Zed Zorro', email: 'zed@umbrella.test', phone: '+1 555 0100' })).body;
      assert.equal((await acct.api('PUT', `/leads/${globex._id}/contacts/${contact._id}`)).status, 200);
      await acct.api('POST', `/leads/${hooli._id}/todos`, { name: 'Call', type: 'Call', date: '2026-01-01' });
      await acct.api('POST', `/leads/${acme._id}/todos`, { name: 'Mail', type: 'Email', date: '2026-03-01' });
      await acct.api('PUT', `/leads/${acme._id}`, { status: 'lost', close_reason: 'Went with a competitor' });
      return { acct, pipe, acme, globex, initech, hooli };
    }
    const names = (body: Lead[]) => body.map((l) => l.name);

    it('searches lead names and contact names, emails and phones, case-insensitively, wildcards literal', async () => {
      const { acct } = await seeded();
      assert.deepEqual(names((await acct.api('GET', '/leads?q=ACME')).body), ['Acme Corp']);
      assert.deepEqual(names((await acct.api('GET', '/leads?q=umbrella')).body), ['Globex']);
      assert.deepEqual(names((await acct.api('GET', '/leads?q=zorro')).body), ['Globex']);
      assert.deepEqual(names((await acct.api('GET', '/leads?q=555%200100')).body), ['Globex']);
      assert.deepEqual(names((await acct.api('GET', '/leads?q=%25_')).body), ['Initech 100%_deal']);
      assert.deepEqual(names((await acct.api('GET', '/leads?q=nothing')).body), []);
    });

    it('searches by the name of a linked contact’s organization, and stage totals agree', async () => {
      const { acct, initech } = await seeded();
      const org = (await acct.api('POST', '/organizations', { name: 'Wayne Enterprises' })).body;
      const contact = (await acct.api('POST', '/contacts', { name: 'Lucius', organization_id: org._id })).body;
      assert.deepEqual(names((await acct.api('GET', '/leads?q=wayne')).body), []);
      assert.equal((await acct.api('PUT', `/leads/${initech._id}/contacts/${contact._id}`)).status, 200);
      assert.deepEqual(names((await acct.api('GET', '/leads?q=WAYNE%20ent')).body), ['Initech 100%_deal']);
      const totals = (await acct.api('GET', '/leads/stage-totals?q=wayne')).body as Array<{ count: number }>;
      assert.deepEqual(totals.map((t) => t.count), [1]);
    });

    it('filters by status, stage, owner and value range, and sorts', async () => {
      const { acct, pipe, hooli } = await seeded();
      assert.deepEqual(names((await acct.api('GET', '/leads?status=lost')).body), ['Acme Corp']);
      assert.deepEqual(names((await acct.api('GET', `/leads?status=open&stage_id=${pipe.stages[0]!._id}`)).body), ['hooli']);
      assert.deepEqual(names((await acct.api('GET', '/leads?min_size=100&max_size=1000')).body), ['Acme Corp']);
      await acct.api('PUT', `/leads/${hooli._id}`, { user_id: acct.userId });
      assert.deepEqual(names((await acct.api('GET', `/leads?user_id=${acct.userId}`)).body), ['hooli']);
      assert.deepEqual(names((await acct.api('GET', '/leads?sort=name')).body), ['Acme Corp', 'Globex', 'hooli', 'Initech 100%_deal']);
      assert.deepEqual(names((await acct.api('GET', '/leads?sort=size&order=desc')).body), ['Globex', 'Acme Corp', 'hooli', 'Initech 100%_deal']);
      assert.deepEqual(names((await acct.api('GET', '/leads?sort=next_todo')).body), ['hooli', 'Acme Corp', 'Globex', 'Initech 100%_deal']);
      assert.deepEqual(names((await acct.api('GET', '/leads?sort=stage&size=2')).body).length, 2);
      const bad = await acct.api('GET', '/leads?sort=colour');
      assert.equal(bad.status, 400);
    });

    it('counts and totals per stage in the database, with the same filters', async () => {
      const { acct, pipe } = await seeded();
      const all = (await acct.api('GET', `/leads/stage-totals?pipeline_id=${pipe._id}`)).body as Array<{ stage_id: string; count: number; total: number }>;
      const byStage = Object.fromEntries(all.map((t) => [t.stage_id, [t.count, t.total]]));
      assert.deepEqual(byStage, { [pipe.stages[0]!._id]: [2, 550], [pipe.stages[1]!._id]: [2, 1500] });
      const open = (await acct.api('GET', `/leads/stage-totals?pipeline_id=${pipe._id}&status=open`)).body as typeof all;
      assert.deepEqual(Object.fromEntries(open.map((t) => [t.stage_id, [t.count, t.total]])), { [pipe.stages[0]!._id]: [1, 50], [pipe.stages[1]!._id]: [2, 1500] });
    });

    it('keeps the reason of a lost lead without changing the lead:lost payload, and clears it on reopening', async () => {
      const { acct, acme, hooli } = await seeded();
      const lead = (await acct.api('GET', `/leads/${acme._id}`)).body as Lead;
      assert.equal(lead.status, 'lost');
      assert.equal(lead.close_reason, 'Went with a competitor');
      assert.equal(lead.next_todo_date, '2026-03-01');
      // The same activity as a lead lost without a reason: the reason adds nothing to the payload.
      await acct.api('PUT', `/leads/${hooli._id}`, { status: 'lost' });
      const lostOf = async (id: string) =>
        ((await acct.api('GET', `/leads/${id}/activities`)).body as Array<Record<string, unknown>>).find((a) => a.type === 'lead:lost')!;
      const [withReason, without] = [await lostOf(acme._id), await lostOf(hooli._id)];
      assert.deepEqual(Object.keys(withReason).sort(), Object.keys(without).sort());
      assert.equal(JSON.stringify(withReason).includes('competitor'), false);
      const refused = await acct.api('PUT', `/leads/${acme._id}`, { status: 'open', close_reason: 'x' });
      assert.equal(refused.status, 400);
      assert.equal(((await acct.api('GET', `/leads/${acme._id}`)).body as Lead).status, 'lost');
      const reopened = (await acct.api('PUT', `/leads/${acme._id}`, { status: 'open' })).body as Lead;
      assert.equal(reopened.close_reason, null);
    });
  });
}
