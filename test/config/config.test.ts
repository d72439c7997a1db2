import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_RETRY_SCHEDULE, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, undefined);
    assert.deepEqual(config.retrySchedule, [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    assert.equal(config.retryJitter, 0.2);
    assert.equal(config.deliveryTimeoutMs, 15000);
    assert.equal(config.errorEmailIntervalS, 3600);
    assert.equal(config.autoDisableAfterS, 432000);
    assert.equal(config.apiRateLimit, 1200);
    assert.equal(config.maxInFlightPerWebhook, 10);
    assert.equal(config.maxInFlightPerAccount, 32);
    assert.equal(config.maxWebhooksPerAccount, 100);
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(DEFAULT_RETRY_SCHEDULE.length, 9);
  });

  it('reads every setting from the environment, and flags win', () => {
    const config = loadConfig(
      {
        PORT: '4000',
        LEADHOOK_DATA_DIR: '/tmp/lh-config-test',
        DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        LEADHOOK_PUBLIC_URL: 'https://crm.example.com/',
        LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback, 10.0.0.0/8',
        LEADHOOK_RETRY_SCHEDULE: '1,1,1',
        LEADHOOK_RETRY_JITTER: '0',
        LEADHOOK_DELIVERY_TIMEOUT_MS: '2000',
        LEADHOOK_ERROR_EMAIL_INTERVAL_S: '60',
        LEADHOOK_AUTO_DISABLE_AFTER_S: '120',
        LEADHOOK_API_RATE_LIMIT: '0',
        LEADHOOK_MAX_IN_FLIGHT_PER_ACCOUNT: '8',
        LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT: '5',
      },
      { port: 5000 },
    );
    assert.equal(config.port, 5000);
    assert.equal(config.dataDir, '/tmp/lh-config-test');
    assert.equal(config.databaseUrl, 'postgres://u@127.0.0.1:5432/db');
    assert.equal(config.smtpUrl, 'smtp://127.0.0.1:2525');
    assert.equal(config.publicUrl, 'https://crm.example.com');
    assert.equal(config.secureCookies, true);
    assert.deepEqual(config.allowPrivateTargets, ['loopback', '10.0.0.0/8']);
    assert.deepEqual(config.retrySchedule, [1, 1, 1]);
    assert.equal(config.retryJitter, 0);
    assert.equal(config.deliveryTimeoutMs, 2000);
    assert.equal(config.errorEmailIntervalS, 60);
    assert.equal(config.autoDisableAfterS, 120);
    assert.equal(config.apiRateLimit, 0);
    assert.equal(config.maxInFlightPerAccount, 8);
    assert.equal(config.maxWebhooksPerAccount, 5);
    assert.ok(Object.isFrozen(config));
  });

  it('stops with one error that lists every problem', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          LEADHOOK_RETRY_SCHEDULE: '1,-2',
          LEADHOOK_RETRY_JITTER: '1.5',
          LEADHOOK_ALLOW_PRIVATE_TARGETS: 'everything',
          LEADHOOK_MAX_IN_FLIGHT_PER_ACCOUNT: '0',
          LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT: 'many',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 7);
        assert.match(error.message, /PORT must be an integer/);
        assert.match(error.message, /DATABASE_URL must start with postgres/);
        assert.match(error.message, /LEADHOOK_RETRY_SCHEDULE must be comma-separated/);
        assert.match(error.message, /LEADHOOK_RETRY_JITTER must be a number between 0 and 1/);
        assert.match(error.message, /"everything" is neither a CIDR nor "loopback"/);
        assert.match(error.message, /LEADHOOK_MAX_IN_FLIGHT_PER_ACCOUNT must be an integer between 1 and 10000 \(got "0"\)/);
        assert.match(error.message, /LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT must be an integer between 1 and 100000/);
        return true;
      },
    );
  });
});
