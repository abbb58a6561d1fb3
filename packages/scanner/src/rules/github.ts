/**
 * GitHub tokens: `gh?_` + 36 base62 chars (classic PAT, OAuth, user-to-server, server-to-server,
 * refresh) and fine-grained PATs `github_pat_` + 82 chars ("About authentication to GitHub",
 * token formats). GitHub reserves the right to lengthen tokens, so longer bodies also match.
 */
import type { Rule } from '../rule.js';
import { tokenPlaceholders } from './define.js';

function prefixed(id: string, type: string, prefixes: string[], description: string): Rule {
  return {
    id,
    type,
    description,
    keywords: prefixes.map((p) => `${p}_`),
    // The boundary is checked behind the literal prefix, so the match starts with the literal.
    pattern: new RegExp(`(?:${prefixes.map((p) => `${p}_(?<![A-Za-z0-9_]${p}_)`).join('|')})[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])`),
    // Random bodies score > 4; `ghp_` followed by one repeated char is a placeholder.
    minEntropy: 3.0,
    // Documentation stand-ins such as a prefix followed by `PersonalAccessToken000…`.
    allow: tokenPlaceholders,
    confidence: 'high',
    reach: 264,
    reachBack: 0,
  };
}

/** Classic personal access token (`ghp_`). */
export const githubPat: Rule = prefixed('github-pat', 'github-pat', ['ghp'], 'GitHub classic personal access token');
/** OAuth app access token (`gho_`). */
export const githubOauth: Rule = prefixed('github-oauth', 'github-oauth', ['gho'], 'GitHub OAuth access token');
/** GitHub App user-to-server (`ghu_`) and installation (`ghs_`) tokens. */
export const githubAppToken: Rule = prefixed('github-app-token', 'github-app-token', ['ghu', 'ghs'], 'GitHub App token');
/** GitHub App refresh token (`ghr_`). */
export const githubRefreshToken: Rule = prefixed('github-refresh-token', 'github-refresh-token', ['ghr'], 'GitHub refresh token');

/** Fine-grained personal access token (`github_pat_`). */
export const githubFineGrainedPat: Rule = {
  id: 'github-fine-grained-pat',
  type: 'github-fine-grained-pat',
  description: 'GitHub fine-grained personal access token',
  keywords: ['github_pat_'],
  pattern: /github_pat_(?<![A-Za-z0-9_]github_pat_)[A-Za-z0-9_]{82,251}(?![A-Za-z0-9_])/,
  minEntropy: 3.0,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 270,
  reachBack: 0,
};

/** The GitHub family. */
export const githubRules: readonly Rule[] = [githubPat, githubOauth, githubAppToken, githubRefreshToken, githubFineGrainedPat];
