import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ACTIVITY_CATALOGUE, ACTIVITY_TYPES, type ActivityChange } from '../../src/activities/catalogue.ts';
import { allEventSchemas } from '../../src/receiver/index.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, noJitter, record } from '../helpers/webhooks.ts';

const KINDS = { string: 'string', number: 'number', boolean: 'boolean' } as const;

describe('event schemas', () => {
  it('list exactly the fields of each type, with the kinds of its typed example', () => {
    const schemas = allEventSchemas();
    assert.deepEqual(Object.keys(schemas), [...ACTIVITY_TYPES, 'webhook:test']);
    for (const type of ACTIVITY_TYPES) {
      const activity = (schemas[type] as any).properties.activity;
      const own = Object.keys(activity.properties).filter((key) => !['_id', 'created_at', 'type', 'user'].includes(key));
      const example = ACTIVITY_CATALOGUE[type].example as Record<string, unknown>;
      assert.deepEqual(own.sort(), Object.keys(example).sort(), type);
      for (const key of own) assert.equal(activity.properties[key].type, KINDS[typeof example[key] as keyof typeof KINDS], `${type}.${key}`);
      assert.equal(activity.properties.type.const, type);
    }
  });

  it('refuse a body missing a required field, with an unknown field, or of another type', () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validate = ajv.compile(allEventSchemas()['lead:moved']!);
    const good = {
      activity: { _id: '6960a1b0aaaaaaaaaa000001', created_at: '2026-01-05T09:00:00Z', old_stage_name: 'A', new_stage_name: 'B', type: 'lead:moved', user: { _id: '6960a1b0aaaaaaaaaa000002', name: 'Ada', photo_url: null } },
      lead: { _id: '6960a1b0aaaaaaaaaa000003', name: 'L', stage: { _id: '6960a1b0aaaaaaaaaa000004', name: 'S' }, pipe: { _id: '6960a1b0aaaaaaaaaa000005', name: 'P' } },
    };
    assert.equal(validate(good), true, JSON.stringify(validate.errors));
    const { new_stage_name: _gone, ...missing } = good.activity;
    assert.equal(validate({ ...good, activity: missing }), false);
    assert.equal(validate({ ...good, activity: { ...good.activity, extra: 1 } }), false);
    assert.equal(validate({ ...good, activity: { ...good.activity, type: 'lead:won' } }), false);
  });
});

for (const dialect of DIALECTS) {
  describe(`event schemas against real deliveries [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter });
    let receiver: Receiver | undefined;
    after(async () => {
      await receiver?.close();
    });

    it('GET /event-types serves a 2020-12 schema per type that its own example and every real delivery satisfy', async () => {
      receiver = await startReceiver();
      const acct = await h().account();
      const served = (await acct.api('GET', '/event-types')).body as Array<{ type: string; example: unknown; schema: Record<string, unknown> }>;
      assert.equal(served.length, 33);
      const kit = allEventSchemas();
      const ajv = new Ajv2020({ allErrors: true });
      const validators = new Map(served.map((entry) => [entry.type, ajv.compile(entry.schema)]));
      for (const entry of served) {
        assert.equal(entry.schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
        assert.deepEqual(entry.schema, kit[entry.type], `the kit ships the served schema of ${entry.type}`);
        assert.equal(validators.get(entry.type)!(entry.example), true, `${entry.type} example: ${JSON.stringify(validators.get(entry.type)!.errors)}`);
      }
      const testValidator = new Ajv2020().compile(kit['webhook:test']!);

      const hook = await createWebhook(acct, { url: receiver.url(), handshake_key: 'key' });
      const lead = await createLead(acct, 'Schema Lead');
      for (const type of ACTIVITY_TYPES.filter((t) => t !== 'lead:created')) {
        await record(h(), acct, lead._id, [{ type, fields: ACTIVITY_CATALOGUE[type].example } as ActivityChange]);
      }
      // Optional fields left out must validate too.
      await record(h(), acct, lead._id, [{ type: 'lead:size_changed', fields: { lead_size: 10 } }]);
      await acct.api('POST', `/webhooks/${hook._id}/test`);
      await h().worker().drain();

      assert.equal(receiver.requests.length, 35);
      const seen = new Set<string>();
      for (const request of receiver.requests) {
        const body = JSON.parse(request.body);
        const type = body.activity.type as string;
        seen.add(type);
        const validate = type === 'webhook:test' ? testValidator : validators.get(type)!;
        assert.equal(validate(body), true, `${type}: ${JSON.stringify(validate.errors)}`);
      }
      assert.equal(seen.size, 34);
    });
  });
}
