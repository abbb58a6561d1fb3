/**
 * Source hosting and CI/CD services besides GitHub and GitLab: Bitbucket app passwords and
 * Atlassian API tokens, Sourcegraph, CircleCI, Buildkite, SonarQube/SonarCloud, Snyk and
 * JFrog Artifactory, from each vendor's token-format documentation.
 */
import type { Rule } from '../rule.js';
import { namedRule, tokenRule, UUID } from './define.js';

/** The source-hosting and CI family. */
export const sourceHostingRules: readonly Rule[] = [
  tokenRule({
    id: 'bitbucket-app-password',
    description: 'Bitbucket app password / repository access token (ATBB)',
    prefix: 'AT' + 'BB',
    body: '[A-Za-z0-9_=.-]{28,40}',
    maxLength: 44,
    boundary: 'A-Za-z0-9_=.-',
  }),
  tokenRule({
    id: 'atlassian-api-token',
    description: 'Atlassian (Jira, Confluence, Bitbucket) API token',
    prefix: 'AT' + 'ATT3',
    body: '[A-Za-z0-9_=-]{180,200}',
    maxLength: 206,
    boundary: 'A-Za-z0-9_=-',
    minEntropy: 4.0,
  }),
  tokenRule({
    id: 'sourcegraph-access-token',
    description: 'Sourcegraph access token',
    prefix: 'sg' + 'p_',
    body: '(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}',
    maxLength: 61,
  }),
  tokenRule({
    id: 'circleci-pat',
    description: 'CircleCI personal API token',
    prefix: 'CCI' + 'PAT_',
    body: '[A-Za-z0-9]{22}_[a-f0-9]{40}',
    maxLength: 70,
  }),
  tokenRule({
    id: 'buildkite-token',
    description: 'Buildkite user API access token',
    prefix: 'bk' + 'ua_',
    body: '[a-f0-9]{40}',
    maxLength: 45,
  }),
  tokenRule({
    id: 'sonar-token',
    description: 'SonarQube / SonarCloud user, project or global analysis token',
    prefix: ['sq' + 'u_', 'sq' + 'p_', 'sq' + 'a_'],
    body: '[a-f0-9]{40}',
    maxLength: 44,
  }),
  namedRule({
    id: 'snyk-token',
    description: 'Snyk API token (UUID) under a Snyk name',
    names: 'snyk',
    keywords: ['snyk'],
    value: UUID,
    valueMax: 36,
    boundary: 'A-Za-z0-9_-',
  }),
  tokenRule({
    id: 'artifactory-api-key',
    type: 'artifactory-token',
    description: 'JFrog Artifactory API key',
    prefix: 'AK' + 'Cp',
    body: '[A-Za-z0-9]{69}',
    maxLength: 73,
  }),
  tokenRule({
    id: 'artifactory-reference-token',
    type: 'artifactory-token',
    description: 'JFrog Artifactory reference token (base64 of reftkn:01:…)',
    prefix: 'cmVmdGtu' + 'OjAxOj',
    body: '[A-Za-z0-9]{44,80}',
    maxLength: 94,
    minEntropy: 3.5,
  }),
];
