import { createScanner } from '../../src/index.js';
import { stripeSecretKey } from '../../src/rules/stripe.js';
import { ALNUM, expectFindings, expectNone, expectRuleFast, Fakes, repeatTo1MB } from '../fakes.js';

describe('rules/stripe', () => {
  const scanner = createScanner();
  const fakes = new Fakes(606);

  it('reports a live secret key in a .env file', () => {
    const k = fakes.stripe('sk');
    expectFindings(scanner, `STRIPE_KEY=${k}\n`, [{ ruleId: 'stripe-secret-key', secret: k }]);
  });

  it('reports a restricted key in JSON', () => {
    const k = fakes.stripe('rk');
    expectFindings(scanner, JSON.stringify({ stripe: { restricted: k } }), [{ ruleId: 'stripe-secret-key', secret: k }]);
  });

  it('reports a long live key in Ruby code', () => {
    const k = 'sk' + '_live_' + fakes.chars(ALNUM, 99);
    expectFindings(scanner, `Stripe.api_key = '${k}'\n`, [{ ruleId: 'stripe-secret-key', secret: k }]);
  });

  it('reports a test-mode key under its own rule (a repository of fixtures can leave it)', () => {
    const k = 'sk' + '_test_' + fakes.chars(ALNUM, 24);
    expectFindings(scanner, `STRIPE_KEY=${k}\n`, [{ ruleId: 'stripe-test-secret-key', secret: k }]);
    expectNone(createScanner({ rules: scanner.rules.filter((r) => r.id !== 'stripe-test-secret-key') }), `STRIPE_KEY=${k}\n`);
  });

  it('ignores a test-mode placeholder and a publishable key', () => {
    expectNone(scanner, `STRIPE_KEY=${'sk' + '_test_' + 'x'.repeat(24)}\nSTRIPE_PK=${'pk' + '_test_' + fakes.chars(ALNUM, 24)}\n`);
  });

  it('ignores a live key body one char short', () => {
    expectNone(scanner, `STRIPE_KEY=${'sk' + '_live_' + fakes.chars(ALNUM, 23)}\n`);
  });

  it('ignores a placeholder of x', () => {
    expectNone(scanner, `STRIPE_KEY=${'sk' + '_live_' + 'x'.repeat(24)}\n`);
  });

  describe('pathological inputs', () => {
    const inputs: Record<string, string> = {
      'prefixes repeated': repeatTo1MB('sk' + '_live_'),
      'a prefix and a 1 MB body': 'sk' + '_live_' + repeatTo1MB('a'),
    };
    for (const [name, text] of Object.entries(inputs)) {
      it(`runs stripe-secret-key on ${name} quickly`, () => expectRuleFast(stripeSecretKey, text));
    }
  });
});
