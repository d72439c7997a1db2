// @ts-check
// A complete leadhook receiver on node:http (docs/RECEIVING.md). Run: LEADHOOK_SECRET=whsec_… node examples/receiver.mjs
/* global process, console */
import http from 'node:http';
import { createNodeHandler } from 'leadhook/receiver';

const handler = createNodeHandler({ secret: process.env.LEADHOOK_SECRET ?? '' }, async (event, { id }) => {
  // `event` is typed: narrowing on activity.type gives that type's fields.
  if (event.activity.type === 'lead:moved') {
    console.log(`${event.lead.name}: ${event.activity.old_stage_name} → ${event.activity.new_stage_name}`);
  } else {
    console.log(`${id} ${event.activity.type} on ${event.lead.name}`);
  }
});

const server = http.createServer(handler).listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on ${JSON.stringify(server.address())}`);
});
