/**
 * GitLab tokens, by the prefixes of GitLab's "Token prefixes" documentation: personal, project,
 * group and impersonation access tokens (`glpat-`), deploy tokens, runner authentication and
 * registration tokens, CI/CD job and pipeline trigger tokens, OAuth application secrets, feed,
 * incoming-mail, agent, SCIM and feature-flag tokens. Routable tokens append `.`-separated
 * segments, which are part of the token.
 */
import type { Rule } from '../rule.js';
import { namedRule, tokenRule } from './define.js';

/** A GitLab token rule: `gl…-` prefix, body, then optional routable segments. */
function gitlab(id: string, description: string, prefix: string, body: string, maxBody: number): Rule {
  return tokenRule({
    id,
    description,
    prefix,
    body: `${body}(?:\\.[A-Za-z0-9_-]{1,64}){0,4}`,
    maxLength: prefix.length + maxBody + 4 * 65,
    boundary: 'A-Za-z0-9_-',
  });
}

/** GitLab personal (and project, group, impersonation) access token. */
export const gitlabPat: Rule = gitlab('gitlab-pat', 'GitLab personal access token', 'gl' + 'pat-', '[A-Za-z0-9_-]{20,64}', 64);

/** The GitLab family. */
export const gitlabRules: readonly Rule[] = [
  gitlabPat,
  gitlab('gitlab-deploy-token', 'GitLab deploy token', 'gl' + 'dt-', '[A-Za-z0-9_-]{20,64}', 64),
  gitlab('gitlab-runner-token', 'GitLab runner authentication token', 'gl' + 'rt-', '[A-Za-z0-9_-]{20,64}', 64),
  gitlab('gitlab-runner-registration-token', 'GitLab runner registration token (deprecated)', 'GR' + '1348941', '[A-Za-z0-9_-]{20}', 20),
  gitlab('gitlab-ci-build-token', 'GitLab CI/CD job token', 'gl' + 'cbt-', '[0-9A-Za-z]{1,5}_[A-Za-z0-9_-]{20}', 26),
  gitlab('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token', 'gl' + 'ptt-', '[0-9a-f]{40}', 40),
  gitlab('gitlab-oauth-app-secret', 'GitLab OAuth application secret', 'gl' + 'oas-', '[A-Za-z0-9_-]{64}', 64),
  gitlab('gitlab-feed-token', 'GitLab feed token', 'gl' + 'ft-', '[A-Za-z0-9_-]{20,64}', 64),
  gitlab('gitlab-incoming-mail-token', 'GitLab incoming mail token', 'gl' + 'imt-', '[A-Za-z0-9_-]{25}', 25),
  gitlab('gitlab-agent-token', 'GitLab agent for Kubernetes token', 'gl' + 'agent-', '[A-Za-z0-9_-]{50}', 50),
  gitlab('gitlab-scim-token', 'GitLab SCIM OAuth token', 'gl' + 'soat-', '[A-Za-z0-9_-]{20}', 20),
  namedRule({
    id: 'gitlab-session-cookie',
    description: 'GitLab session cookie value (`_gitlab_session=…`)',
    names: 'gitlab[_-]session',
    keywords: ['gitlab_session'],
    value: '[0-9a-z]{32}',
    valueMax: 32,
  }),
  gitlab('gitlab-feature-flags-token', 'GitLab feature flags client token', 'gl' + 'ffct-', '[A-Za-z0-9_-]{20}', 20),
];
