import { createScanner } from '../../src/index.js';
import { ALNUM, DIGITS, expectFindings, expectNone, Fakes, LOWER, UPPER } from '../fakes.js';

describe('rules/cloud-platforms: legacy Vault service tokens', () => {
  const scanner = createScanner();
  const fakes = new Fakes(1010);
  /** `s.` + 24 base62 with at least two of each class, shuffled by the seeded generator. */
  const legacy = (): string => 's.' + fakes.chars(UPPER, 2) + fakes.chars(DIGITS, 2) + fakes.chars(LOWER, 2) + fakes.chars(ALNUM, 18);

  it('reports an s. token as a YAML value with no Vault name', () => {
    const t = legacy();
    expectFindings(scanner, `token: ${t}\n`, [{ ruleId: 'hashicorp-vault-legacy-service-token', secret: t }]);
  });

  it('reports an s. token in a quoted string and in an env assignment', () => {
    const a = legacy();
    const b = legacy();
    expectFindings(scanner, `client.token = "${a}"\nexport VAULT_TOKEN=${b}\n`, [
      { ruleId: 'hashicorp-vault-legacy-service-token', secret: a },
      { ruleId: 'hashicorp-vault-legacy-service-token', secret: b },
    ]);
  });

  it('ignores member accesses, calls and one-case runs after s.', () => {
    expectNone(scanner, 'const x = s.getElementsByTagNameNS12(tag);\nreturn s.parseIntegerValue2Hex3.value;\n');
    expectNone(scanner, `a = s.${'abcdefghijklmnopqrstu123'}\nb = s.${'ABCDEFGHIJKLMNOPQRSTU123'}\n`);
    expectNone(scanner, `obj.s.${fakes.chars(UPPER, 8) + fakes.chars(LOWER, 8) + fakes.chars(DIGITS, 8)}\n`);
    expectNone(scanner, 'if s.Scte35DescriptorSettings != nil {\n\treturn s.Mp4ContainerSettings2Xml\n}\n');
  });
});
