/**
 * GitLab personal access tokens: `glpat-` + 20 chars of [A-Za-z0-9_-] (GitLab docs, "Token
 * prefixes"); newer routable tokens append `.`-separated segments, which are part of the token.
 */
import type { Rule } from '../rule.js';

/** GitLab personal access token. */
export const gitlabPat: Rule = {
  id: 'gitlab-pat',
  type: 'gitlab-pat',
  description: 'GitLab personal access token',
  keywords: ['glpat-'],
  pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,64}(?:\.[A-Za-z0-9_-]{1,64}){0,4}(?![A-Za-z0-9_-])/,
  minEntropy: 3.0,
  confidence: 'high',
};

/** The GitLab family. */
export const gitlabRules: readonly Rule[] = [gitlabPat];
