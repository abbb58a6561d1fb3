/**
 * Cloud, hosting and infrastructure platforms other than AWS, Google and Azure, from each
 * provider's token-format documentation: Alibaba Cloud, Tencent Cloud, DigitalOcean, Heroku,
 * Cloudflare, Fly.io, HashiCorp Vault and Terraform Cloud, Pulumi, Doppler, Databricks,
 * PlanetScale, Supabase, Vercel, Netlify, Render, Linode, Scaleway, OpenShift, Grafana, Prefect,
 * Infracost, Harness, ngrok, Tailscale and 1Password.
 */
import type { Rule } from '../rule.js';
import { namedRule, tokenPlaceholders, tokenRule, UUID } from './define.js';

const alibabaAccessKeyId = tokenRule({
  id: 'alibaba-access-key-id',
  description: 'Alibaba Cloud AccessKey id',
  prefix: 'LT' + 'AI',
  body: '[A-Za-z0-9]{12,20}',
  maxLength: 24,
});

const alibabaAccessKeySecret = namedRule({
  id: 'alibaba-access-key-secret',
  description: 'Alibaba Cloud AccessKey secret under an Alibaba/Aliyun name',
  names: 'alibaba|aliyun|alicloud',
  keywords: ['alibaba', 'aliyun', 'alicloud'],
  value: '[A-Za-z0-9]{30}',
  valueMax: 30,
});

const tencentSecretId = tokenRule({
  id: 'tencent-cloud-secret-id',
  description: 'Tencent Cloud SecretId',
  prefix: 'AK' + 'ID',
  body: '[A-Za-z0-9]{32}',
  maxLength: 36,
});

const tencentSecretKey = namedRule({
  id: 'tencent-cloud-secret-key',
  description: 'Tencent Cloud SecretKey under a Tencent name',
  names: 'tencent|qcloud',
  keywords: ['tencent', 'qcloud'],
  value: '[A-Za-z0-9]{32}',
  valueMax: 32,
});

function digitalocean(id: string, kind: string, description: string): Rule {
  return tokenRule({ id, description, prefix: `do${kind}_v1_`, body: '[a-f0-9]{64}', maxLength: 71 });
}
const digitaloceanPat = digitalocean('digitalocean-pat', 'p', 'DigitalOcean personal access token');
const digitaloceanOauthToken = digitalocean('digitalocean-oauth-token', 'o', 'DigitalOcean OAuth access token');
const digitaloceanRefreshToken = digitalocean('digitalocean-refresh-token', 'r', 'DigitalOcean OAuth refresh token');

const herokuApiKeyV2 = tokenRule({
  id: 'heroku-api-key-v2',
  type: 'heroku-api-key',
  description: 'Heroku API key (HRKU- format)',
  prefix: 'HR' + 'KU-AA',
  body: '[0-9A-Za-z_-]{58}',
  maxLength: 65,
  boundary: 'A-Za-z0-9_-',
});

const herokuApiKey = namedRule({
  id: 'heroku-api-key',
  description: 'Heroku API key (UUID) under a Heroku name',
  names: 'heroku',
  keywords: ['heroku'],
  value: UUID,
  valueMax: 36,
  boundary: 'A-Za-z0-9_-',
});

const cloudflareOriginCaKey = tokenRule({
  id: 'cloudflare-origin-ca-key',
  description: 'Cloudflare Origin CA key',
  prefix: 'v1' + '.0-',
  body: '[a-f0-9]{24}-[a-f0-9]{146}',
  maxLength: 176,
  boundary: 'A-Za-z0-9_.-',
});

const cloudflareApiToken = namedRule({
  id: 'cloudflare-api-token',
  description: 'Cloudflare API token under a Cloudflare name',
  names: 'cloudflare|cf[_-]api|cf[_-]token',
  keywords: ['cloudflare', 'cf_api', 'cf-api', 'cf_token', 'cf-token'],
  value: '[A-Za-z0-9_-]{40}',
  valueMax: 40,
  boundary: 'A-Za-z0-9_-',
});

const cloudflareGlobalApiKey = namedRule({
  id: 'cloudflare-global-api-key',
  description: 'Cloudflare global API key (37 hex) under a Cloudflare name',
  names: 'cloudflare|cf[_-]api|x-auth-key',
  keywords: ['cloudflare', 'cf_api', 'cf-api', 'x-auth-key'],
  value: '[a-f0-9]{37}',
  valueMax: 37,
});

const flyioAccessToken = tokenRule({
  id: 'flyio-access-token',
  description: 'Fly.io access or macaroon token',
  prefix: [],
  body: '(?:fo1_[A-Za-z0-9_-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,1024}={0,3}|fm2_[A-Za-z0-9+/]{100,1024}={0,3})',
  maxLength: 1032,
  boundary: 'A-Za-z0-9_+/=',
  keywords: ['fo1_', 'fm1a_', 'fm1r_', 'fm2_'],
  minEntropy: 3.5,
});

const vaultServiceToken = tokenRule({
  id: 'hashicorp-vault-service-token',
  type: 'hashicorp-vault-token',
  description: 'HashiCorp Vault service token (hvs.)',
  prefix: 'hv' + 's.',
  body: '[A-Za-z0-9_-]{90,120}',
  maxLength: 124,
  boundary: 'A-Za-z0-9_.-',
  minEntropy: 3.5,
});

/**
 * A legacy Vault service token (before Vault 1.10): `s.` + 24 base62. `s.` alone is everywhere in
 * code, so the token must start a value (after a blank, quote, `=`, `:` or `,`), mix upper case, lower
 * case and digits (two of each: random bodies do, most identifiers do not), hold no word of seven
 * lower-case letters, and not continue as a member or call.
 */
const vaultLegacyServiceToken: Rule = {
  id: 'hashicorp-vault-legacy-service-token',
  type: 'hashicorp-vault-token',
  description: 'HashiCorp Vault legacy service token (s. + 24 base62) starting a value',
  keywords: [' s.', '"s.', "'s.", '=s.', ':s.', ',s.', '\ts.', '`s.'],
  pattern: /(?<=[\s"'=:,`])s\.(?=(?:[a-z0-9]{0,23}[A-Z]){2})(?=(?:[A-Z0-9]{0,23}[a-z]){2})(?=(?:[A-Za-z]{0,23}[0-9]){2})[A-Za-z0-9]{24}(?![A-Za-z0-9_.(-])/,
  minEntropy: 3.5,
  // Seven lower-case letters in a row are a word of an identifier (`s.Scte35DescriptorSettings`); a
  // random base62 body has such a run with probability about 4%.
  allow: [...tokenPlaceholders, /[a-z]{7}/],
  confidence: 'high',
  reach: 26,
  reachBack: 1,
};

const vaultBatchToken = tokenRule({
  id: 'hashicorp-vault-batch-token',
  type: 'hashicorp-vault-token',
  description: 'HashiCorp Vault batch token (hvb.)',
  prefix: 'hv' + 'b.',
  body: '[A-Za-z0-9_-]{138,300}',
  maxLength: 304,
  boundary: 'A-Za-z0-9_.-',
  minEntropy: 3.5,
});

const terraformCloudToken = tokenRule({
  id: 'terraform-cloud-token',
  description: 'Terraform Cloud / Enterprise API token',
  prefix: [],
  body: '[a-zA-Z0-9]{14}\\.atlasv1\\.[a-zA-Z0-9_=-]{60,70}',
  maxLength: 93,
  boundary: 'A-Za-z0-9_.=-',
  keywords: ['.atlasv1.'],
});

const pulumiAccessToken = tokenRule({
  id: 'pulumi-access-token',
  description: 'Pulumi access token',
  prefix: 'pu' + 'l-',
  body: '[a-f0-9]{40}',
  maxLength: 44,
  boundary: 'A-Za-z0-9_-',
});

const dopplerToken = tokenRule({
  id: 'doppler-token',
  description: 'Doppler personal, service, service-account, CLI, SCIM or audit token',
  prefix: ['pt', 'st', 'sa', 'ct', 'scim', 'audit'].map((k) => `dp.${k}.`),
  body: '[A-Za-z0-9]{40,44}',
  maxLength: 54,
  boundary: 'A-Za-z0-9_.',
});

const databricksToken = tokenRule({
  id: 'databricks-token',
  description: 'Databricks personal access token',
  prefix: 'da' + 'pi',
  body: '[a-f0-9]{32}(?:-[0-9])?',
  maxLength: 38,
  boundary: 'A-Za-z0-9_-',
});

const planetscaleToken = tokenRule({
  id: 'planetscale-token',
  description: 'PlanetScale service or OAuth token',
  prefix: ['pscale_tkn_', 'pscale_oauth_'],
  body: '[A-Za-z0-9_=.-]{32,64}',
  maxLength: 77,
  boundary: 'A-Za-z0-9_=.-',
});

const planetscalePassword = tokenRule({
  id: 'planetscale-password',
  description: 'PlanetScale database password',
  prefix: 'pscale_pw_',
  body: '[A-Za-z0-9_=.-]{32,64}',
  maxLength: 74,
  boundary: 'A-Za-z0-9_=.-',
});

const supabaseAccessToken = tokenRule({
  id: 'supabase-access-token',
  description: 'Supabase management API access token',
  prefix: 'sb' + 'p_',
  body: '[a-f0-9]{40}',
  maxLength: 44,
});

const supabaseSecretKey = tokenRule({
  id: 'supabase-secret-key',
  description: 'Supabase secret API key',
  prefix: 'sb_' + 'secret_',
  body: '[A-Za-z0-9_-]{20,64}',
  maxLength: 74,
  boundary: 'A-Za-z0-9_-',
});

const vercelToken = namedRule({
  id: 'vercel-token',
  description: 'Vercel access token under a Vercel name',
  names: 'vercel',
  keywords: ['vercel'],
  value: '[A-Za-z0-9]{24}',
  valueMax: 24,
});

const netlifyPat = tokenRule({
  id: 'netlify-pat',
  type: 'netlify-token',
  description: 'Netlify personal access token (nfp_)',
  prefix: 'nf' + 'p_',
  body: '[A-Za-z0-9]{36}',
  maxLength: 40,
});

const netlifyToken = namedRule({
  id: 'netlify-token',
  description: 'Netlify access token under a Netlify name',
  names: 'netlify',
  keywords: ['netlify'],
  value: '[A-Za-z0-9_-]{40,46}',
  valueMax: 46,
  boundary: 'A-Za-z0-9_-',
});

const renderApiKey = tokenRule({
  id: 'render-api-key',
  description: 'Render API key',
  prefix: 'rn' + 'd_',
  body: '[A-Za-z0-9]{32}',
  maxLength: 36,
});

const linodeToken = namedRule({
  id: 'linode-token',
  description: 'Linode / Akamai personal access token under a Linode name',
  names: 'linode',
  keywords: ['linode'],
  value: '[a-f0-9]{64}',
  valueMax: 64,
});

const scalewaySecretKey = namedRule({
  id: 'scaleway-secret-key',
  description: 'Scaleway secret key (UUID) under a Scaleway name',
  names: 'scaleway|scw[_-]secret',
  keywords: ['scaleway', 'scw_secret', 'scw-secret'],
  value: UUID,
  valueMax: 36,
  boundary: 'A-Za-z0-9_-',
});

const openshiftToken = tokenRule({
  id: 'openshift-token',
  description: 'OpenShift user or service-account OAuth token',
  prefix: 'sha256~',
  body: '[A-Za-z0-9_-]{43}',
  maxLength: 50,
  boundary: 'A-Za-z0-9_~-',
});

const grafanaCloudApiToken = tokenRule({
  id: 'grafana-cloud-api-token',
  type: 'grafana-token',
  description: 'Grafana Cloud access policy / API token',
  prefix: 'gl' + 'c_',
  body: '[A-Za-z0-9+/]{32,400}={0,2}',
  maxLength: 406,
  boundary: 'A-Za-z0-9_+/=',
  minEntropy: 3.5,
});

const grafanaServiceAccountToken = tokenRule({
  id: 'grafana-service-account-token',
  type: 'grafana-token',
  description: 'Grafana service account token',
  prefix: 'gl' + 'sa_',
  body: '[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}',
  maxLength: 46,
});

const grafanaApiKey = tokenRule({
  id: 'grafana-api-key',
  type: 'grafana-token',
  description: 'Grafana legacy API key (base64 of {"k":…)',
  prefix: 'eyJrIjoi',
  body: '[A-Za-z0-9]{70,400}={0,2}',
  maxLength: 410,
  boundary: 'A-Za-z0-9_+/=',
  minEntropy: 3.5,
});

const prefectApiKey = tokenRule({
  id: 'prefect-api-key',
  description: 'Prefect Cloud API key',
  prefix: 'pn' + 'u_',
  body: '[A-Za-z0-9]{36}',
  maxLength: 40,
});

const infracostApiKey = tokenRule({
  id: 'infracost-api-key',
  description: 'Infracost API key',
  prefix: 'ic' + 'o-',
  body: '[A-Za-z0-9]{32}',
  maxLength: 36,
  boundary: 'A-Za-z0-9_-',
  // A fingerprinted asset name (`favicon.ico-<md5>.png`): a random mixed-case key body is all
  // lower-case hex with a chance of (16/62)^32.
  allow: [/^ico-[0-9a-f]{32}$/],
});

const harnessPat = tokenRule({
  id: 'harness-pat',
  description: 'Harness personal access or service-account token',
  prefix: ['pat.', 'sat.'],
  body: '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}',
  maxLength: 72,
  boundary: 'A-Za-z0-9_.-',
});

const ngrokAuthtoken = namedRule({
  id: 'ngrok-authtoken',
  description: 'ngrok authtoken or API key under an ngrok name',
  names: 'ngrok',
  keywords: ['ngrok'],
  value: '[A-Za-z0-9_]{40,60}',
  valueMax: 60,
});

const tailscaleKey = tokenRule({
  id: 'tailscale-key',
  description: 'Tailscale auth, API, OAuth client, SCIM or webhook key',
  prefix: ['auth', 'api', 'client', 'scim', 'webhook'].map((k) => `tskey-${k}-`),
  body: '[A-Za-z0-9]{8,20}-[A-Za-z0-9]{20,40}',
  maxLength: 76,
  boundary: 'A-Za-z0-9_-',
});

const onepasswordServiceAccountToken = tokenRule({
  id: 'onepassword-service-account-token',
  type: 'onepassword-token',
  description: '1Password service account token',
  prefix: 'op' + 's_eyJ',
  body: '[A-Za-z0-9+/=_-]{250,1500}',
  maxLength: 1510,
  boundary: 'A-Za-z0-9_+/=-',
  minEntropy: 4.0,
});

const onepasswordSecretKey = tokenRule({
  id: 'onepassword-secret-key',
  description: '1Password account secret key',
  prefix: 'A3-',
  body: '[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}',
  maxLength: 44,
  boundary: 'A-Za-z0-9_-',
});

/** The cloud-platform family. */
export const cloudPlatformRules: readonly Rule[] = [
  alibabaAccessKeyId,
  alibabaAccessKeySecret,
  tencentSecretId,
  tencentSecretKey,
  digitaloceanPat,
  digitaloceanOauthToken,
  digitaloceanRefreshToken,
  herokuApiKeyV2,
  herokuApiKey,
  cloudflareOriginCaKey,
  cloudflareApiToken,
  cloudflareGlobalApiKey,
  flyioAccessToken,
  vaultServiceToken,
  vaultLegacyServiceToken,
  vaultBatchToken,
  terraformCloudToken,
  pulumiAccessToken,
  dopplerToken,
  databricksToken,
  planetscaleToken,
  planetscalePassword,
  supabaseAccessToken,
  supabaseSecretKey,
  vercelToken,
  netlifyPat,
  netlifyToken,
  renderApiKey,
  linodeToken,
  scalewaySecretKey,
  openshiftToken,
  grafanaCloudApiToken,
  grafanaServiceAccountToken,
  grafanaApiKey,
  prefectApiKey,
  infracostApiKey,
  harnessPat,
  ngrokAuthtoken,
  tailscaleKey,
  onepasswordServiceAccountToken,
  onepasswordSecretKey,
];
