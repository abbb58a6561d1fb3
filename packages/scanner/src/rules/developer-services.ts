/**
 * Developer, CI, media and collaboration services. Keys with a documented shape get a token rule
 * (Defined Networking `dnkey-`, MaxMind `…_mmk`, ClickHouse Cloud `4b1d…`, SettleMint `sm_?at_`,
 * Scalingo `tk-us-`, 42 Intra `s-s4t2..-`, Mailgun `pubkey-`, Yandex IAM `t1.`); the rest are
 * recognisable only by the provider named in their key (vendor docs for length and alphabet).
 */
import type { Rule } from '../rule.js';
import { namedRule, tokenRule, UUID } from './define.js';

/**
 * Keys that only their name identifies: [id, description, name fragment, keywords, value, longest
 * value]. A fragment with an upper-case letter is matched as written (short names that hide in
 * other words: `[Ss]umo|SUMO` is not `sumObj`); the others in any case.
 */
const NAMED: ReadonlyArray<readonly [string, string, string, string[], string, number]> = [
  ['adafruit-io-key', 'Adafruit IO key', 'adafruit', ['adafruit'], '[A-Za-z0-9_-]{32}', 32],
  ['adobe-client-id', 'Adobe client id', 'adobe', ['adobe'], '[a-f0-9]{32}', 32],
  ['airtable-api-key', 'Airtable legacy API key', 'airtable', ['airtable'], '[A-Za-z0-9]{17}', 17],
  ['asana-client-secret', 'Asana client secret', 'asana', ['asana'], '[A-Za-z0-9]{32}', 32],
  ['beamer-api-key', 'Beamer API key', 'beamer', ['beamer'], 'b_[A-Za-z0-9=_-]{44}', 46],
  ['bitbucket-client-credential', 'Bitbucket OAuth consumer key or secret', 'bitbucket', ['bitbucket'], '[A-Za-z0-9]{32}|[A-Za-z0-9=_-]{64}', 64],
  ['cisco-meraki-api-key', 'Cisco Meraki API key', 'MERAKI|[Mm]eraki', ['meraki'], '[0-9a-f]{40}', 40],
  ['codecov-token', 'Codecov upload or API token', 'codecov', ['codecov'], `[A-Za-z0-9]{32}|${UUID}`, 36],
  ['confluent-api-key', 'Confluent Cloud API key (16) or secret (64)', 'confluent', ['confluent'], '[A-Za-z0-9+/]{64}|[A-Za-z0-9]{16}', 64],
  ['contentful-delivery-token', 'Contentful delivery or preview API token', 'contentful', ['contentful'], '[A-Za-z0-9=_-]{43}', 43],
  ['datadog-access-token', 'Datadog API or application key (40 chars)', 'datadog', ['datadog'], '[A-Za-z0-9]{40}', 40],
  ['discord-api-token', 'Discord application public or API key (64 hex)', 'discord', ['discord'], '[a-f0-9]{64}', 64],
  ['droneci-token', 'Drone CI access token', 'drone', ['drone'], '[A-Za-z0-9]{32}', 32],
  ['dropbox-app-credential', 'Dropbox app key or secret', 'dropbox', ['dropbox'], '[a-z0-9]{15}', 15],
  ['fastly-api-token', 'Fastly API token', 'fastly', ['fastly'], '[A-Za-z0-9=_-]{32}', 32],
  ['flickr-api-key', 'Flickr API key or secret', 'flickr', ['flickr'], '[a-z0-9]{32}', 32],
  ['freshbooks-token', 'FreshBooks access token', 'freshbooks', ['freshbooks'], '[a-z0-9]{64}', 64],
  ['gitter-token', 'Gitter access token', 'gitter', ['gitter'], '[a-z0-9_-]{40}', 40],
  ['hubspot-api-key', 'HubSpot legacy API key (UUID)', 'hubspot', ['hubspot'], UUID, 36],
  ['jfrog-token', 'JFrog / Artifactory / Bintray / Xray identity token or API key', 'jfrog|artifactory|bintray|xray', ['jfrog', 'artifactory', 'bintray', 'xray'], '[A-Za-z0-9]{64}|[A-Za-z0-9]{73}', 73],
  ['jira-api-token', 'Jira / Confluence / Atlassian classic API token (24 chars)', 'atlassian|confluence|jira', ['atlassian', 'confluence', 'jira'], '[A-Za-z0-9]{24}', 24],
  ['launchdarkly-access-token', 'LaunchDarkly access token', 'launch[_-]?darkly', ['launchdarkly', 'launch_darkly', 'launch-darkly'], '[A-Za-z0-9=_-]{40}', 40],
  ['linear-client-secret', 'Linear OAuth client secret', 'linear', ['linear'], '[a-f0-9]{32}', 32],
  ['linkedin-client-id', 'LinkedIn client id', 'linked[_-]?in', ['linkedin', 'linked_in', 'linked-in'], '[a-z0-9]{14}', 14],
  ['looker-client-credential', 'Looker API client id (20) or secret (24)', 'looker', ['looker'], '[A-Za-z0-9]{24}|[A-Za-z0-9]{20}', 24],
  ['mattermost-token', 'Mattermost access token', 'mattermost', ['mattermost'], '[a-z0-9]{26}', 26],
  ['messagebird-api-key', 'MessageBird API key (25) or client id (UUID)', 'message[_-]?bird', ['messagebird', 'message_bird', 'message-bird'], `[A-Za-z0-9]{25}|${UUID}`, 36],
  ['netlify-access-token', 'Netlify access token', 'netlify', ['netlify'], '[A-Za-z0-9=_-]{40,46}', 46],
  ['new-relic-user-api-id', 'New Relic user API id (64 chars)', 'new[_-]?relic', ['newrelic', 'new_relic', 'new-relic'], '[A-Za-z0-9]{64}', 64],
  ['nytimes-api-key', 'New York Times API key', 'nytimes|new[_-]?york[_-]?times', ['nytimes', 'newyorktimes', 'new-york-times', 'new_york_times'], '[A-Za-z0-9=_-]{32}', 32],
  ['rapidapi-key', 'RapidAPI key', 'rapid[_-]?api', ['rapidapi', 'rapid_api', 'rapid-api'], '[A-Za-z0-9_-]{50}', 50],
  ['sentry-access-token', 'Sentry auth token (64 hex)', 'sentry', ['sentry'], '[a-f0-9]{64}', 64],
  ['sidekiq-secret', 'Sidekiq Pro / Enterprise gem credential', 'contribsys', ['contribsys'], '[a-f0-9]{8}:[a-f0-9]{8}', 17],
  ['sumologic-access-key', 'Sumo Logic access id (su…) or access key (64)', 'SUMO|[Ss]umo', ['sumo'], 'su[A-Za-z0-9]{12}|[A-Za-z0-9]{64}', 64],
  ['travisci-token', 'Travis CI access token', 'travis', ['travis'], '[A-Za-z0-9]{22}', 22],
  ['twitch-api-token', 'Twitch API token', 'twitch', ['twitch'], '[a-z0-9]{30}', 30],
  ['twitter-access-token', 'Twitter / X access token (user id, dash, secret)', 'twitter', ['twitter'], '[0-9]{15,25}-[A-Za-z0-9]{20,40}', 66],
  ['twitter-api-key', 'Twitter / X API key (25 chars)', 'twitter', ['twitter'], '[A-Za-z0-9]{25}', 25],
  ['yandex-aws-access-token', 'Yandex Cloud static access key id (YC…)', 'yandex', ['yandex'], 'YC[A-Za-z0-9_-]{38}', 40],
];

/** The developer services family. */
export const developerServiceRules: readonly Rule[] = [
  ...NAMED.map(([id, description, names, keywords, value, valueMax]) =>
    namedRule({ id, description: `${description} under a provider name`, names, nameCase: /[A-Z]/.test(names) ? 'as-written' : 'any', keywords, value, valueMax, boundary: 'A-Za-z0-9_-' }),
  ),
  tokenRule({ id: 'defined-networking-api-token', description: 'Defined Networking API key', prefix: 'dn' + 'key-', body: '[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}', maxLength: 85, boundary: 'A-Za-z0-9=_-' }),
  tokenRule({ id: 'maxmind-license-key', description: 'MaxMind license key', prefix: [], body: '[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk', maxLength: 40, keywords: ['_mmk'] }),
  tokenRule({ id: 'clickhouse-cloud-api-secret', description: 'ClickHouse Cloud API secret key', prefix: '4b' + '1d', body: '[A-Za-z0-9]{38}', maxLength: 42 }),
  tokenRule({ id: 'settlemint-token', description: 'SettleMint application, personal or service access token', prefix: ['sm_' + 'aat_', 'sm_' + 'pat_', 'sm_' + 'sat_'], body: '[A-Za-z0-9]{16}', maxLength: 23 }),
  tokenRule({ id: 'scalingo-api-token', description: 'Scalingo API token', prefix: 'tk-' + 'us-', body: '[A-Za-z0-9_-]{48}', maxLength: 54, boundary: 'A-Za-z0-9_-' }),
  tokenRule({ id: 'intra42-client-secret', description: '42 Intra client secret', prefix: ['s-s4t2' + 'ud-', 's-s4t2' + 'af-'], body: '[a-fA-F0-9]{64}', maxLength: 73, boundary: 'A-Za-z0-9_-' }),
  tokenRule({ id: 'mailgun-public-key', description: 'Mailgun public validation key', prefix: 'pub' + 'key-', body: '[a-f0-9]{32}', maxLength: 39, boundary: 'A-Za-z0-9_-' }),
  tokenRule({
    id: 'authress-service-client-key',
    description: 'Authress service client access key',
    prefix: ['sc' + '_', 'ext' + '_', 'scauth' + '_', 'authress' + '_'],
    body: '[A-Za-z0-9]{5,30}\\.[A-Za-z0-9]{4,6}\\.acc[_-][A-Za-z0-9-]{10,32}\\.[A-Za-z0-9+/_=-]{30,120}',
    maxLength: 205,
    boundary: 'A-Za-z0-9+/_=-',
  }),
  tokenRule({ id: 'yandex-iam-token', description: 'Yandex Cloud IAM token', prefix: 't1' + '.', body: '[A-Za-z0-9_-]{1,80}={0,2}\\.[A-Za-z0-9_-]{86}={0,2}', maxLength: 175, boundary: 'A-Za-z0-9_.=-', minEntropy: 4.0 }),
];
