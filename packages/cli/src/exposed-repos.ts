/**
 * The repositories a configuration exposes, as upstream sources: its own entries, plus the repositories
 * of its GitHub organisations resolved now through the connector.
 */
import type { Logger } from '@gitgate/log';
import { GitHubConnector, type PushSettings, type UpstreamSource } from '@gitgate/mirror';
import type { PolicyConfig } from '@gitgate/access';
import type { GatewayRepo } from '@gitgate/gateway';
import type { Config } from './config.js';
import { isRepoName } from './repo-name.js';
import type { MaskPolicy } from './config-mask.js';
import { repoScanners } from './repo-scanner.js';

/** One repository to serve: its name, readers, fetch source, unscannable allowance, masking policy and push settings. */
export interface ExposedRepo {
  name: string;
  readers: string[];
  source: UpstreamSource;
  allowUnscannable?: string[];
  mask?: MaskPolicy;
  push?: PushSettings;
  writers?: string[];
}

/** Repositories of the configured GitHub organisations, resolved now (names the config rule refuses are skipped). */
async function githubRepos(config: Config, logger: Logger): Promise<ExposedRepo[]> {
  const out: ExposedRepo[] = [];
  for (const g of config.github) {
    const connector = new GitHubConnector({ org: g.org, include: g.include, auth: g.auth, baseUrl: g.baseUrl, includeArchived: g.includeArchived, logger });
    for (const repo of await connector.resolve()) {
      if (!isRepoName(repo.name) || repo.name.split('/').length !== 2) {
        logger.warn('github repository skipped: name not servable', { org: g.org, repo: repo.name.slice(0, 100) });
        continue;
      }
      out.push({ name: repo.name, readers: g.readers, source: connector.upstreamSource(repo, { caFile: g.caFile }), mask: g.mask, push: g.push, writers: g.writers });
    }
  }
  return out;
}

/** The repositories `config` exposes: its own entries, then the resolved GitHub organisations' (a name configured explicitly wins). */
export async function exposedRepos(config: Config, logger: Logger): Promise<ExposedRepo[]> {
  const fromGitHub = await githubRepos(config, logger);
  const own = config.repos.map((r) => ({ name: r.name, readers: r.readers, source: r.source, allowUnscannable: r.allowUnscannable, mask: r.mask, push: r.push, writers: r.writers }));
  return [...own, ...fromGitHub.filter((g) => !config.repos.some((r) => r.name === g.name))];
}

/**
 * The gateway's view of exposed repositories: each with its own scanner (the config's rules and
 * allowlist, less what its masking policy leaves), as `gitgate scan --config` builds them too.
 */
export function gatewayRepos(config: Config, repos: readonly ExposedRepo[]): GatewayRepo[] {
  const scannerFor = repoScanners(config.scanner);
  return repos.map((r) => ({
    name: r.name, upstream: r.source, allowUnscannable: r.allowUnscannable, scanner: scannerFor(r.mask), ...(r.mask ? { mask: r.mask } : {}),
    ...(r.push ? { push: r.push } : {}),
  }));
}

/** What `config` serves and who may do what with it: the repositories and the policy a gateway takes (at start and on reload). */
export async function servedBy(config: Config, logger: Logger): Promise<{ repos: GatewayRepo[]; policy: PolicyConfig }> {
  const repos = await exposedRepos(config, logger);
  return {
    repos: gatewayRepos(config, repos),
    policy: { repos: repos.map((r) => ({ name: r.name, readers: r.readers, ...(r.writers ? { writers: r.writers } : {}) })), detokenize: config.detokenize, admins: config.admins },
  };
}
