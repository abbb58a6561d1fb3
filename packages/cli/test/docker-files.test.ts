// docker/ (Dockerfile, docker-compose.yml, gitgate.yaml) and docker/k8s/ are not run here (no Docker
// engine), so this checks that they reference real things of the product: the binary and its commands,
// configurations that validate, one data path, one port, probe and metrics paths the server answers,
// the key file name the vault uses, and the environment names the configuration reads.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { GATEWAY_ENV, GATEWAY_NODE_FLAGS } from '../src/node-flags.js';
import { validateConfig, type ConfigError } from '../src/config.js';

/** The monorepo root, from packages/cli/dist/test. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const DOCKER = path.join(ROOT, 'docker');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'gitgate.js');

interface Instruction { op: string; args: string; json?: string[] }
interface Stage { from: string; name?: string; instructions: Instruction[] }

/** Dockerfile → stages of instructions (continuations joined, comments and the parser directive dropped). */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const l of logical) {
    const sp = l.search(/\s/);
    const op = l.slice(0, sp).toUpperCase();
    const args = l.slice(sp + 1).trim();
    let json: string[] | undefined;
    if (args.startsWith('[')) json = JSON.parse(args) as string[];
    if (op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ from: m[1], name: m[2], instructions: [] });
    } else {
      stages[stages.length - 1].instructions.push({ op, args, json });
    }
  }
  return stages;
}

function only(stage: Stage, op: string): Instruction {
  const all = stage.instructions.filter((i) => i.op === op);
  expect(all, `one ${op} in the stage from ${stage.from}`).to.have.length(1);
  return all[0];
}

type Doc = Record<string, any>;

function yamlFile(...p: string[]): Doc {
  return parseYaml(fs.readFileSync(path.join(...p), 'utf8')) as Doc;
}

function k8s(kind: string): Doc {
  for (const f of fs.readdirSync(path.join(DOCKER, 'k8s'))) {
    if (!f.endsWith('.yaml') || f === 'kustomization.yaml') continue;
    for (const d of parseAllDocuments(fs.readFileSync(path.join(DOCKER, 'k8s', f), 'utf8'))) {
      const doc = d.toJS() as Doc;
      if (doc?.kind === kind) return doc;
    }
  }
  throw new Error(`no ${kind} in docker/k8s`);
}

function portOf(listen: string): number {
  return Number(/:(\d+)$/.exec(listen)![1]);
}

describe('docker and Kubernetes files', function () {
  this.timeout(30_000);
  const stages = parseDockerfile(fs.readFileSync(path.join(DOCKER, 'Dockerfile'), 'utf8'));
  const runtime = stages[stages.length - 1];
  const compose = yamlFile(DOCKER, 'docker-compose.yml');
  const gateway = compose.services.gitgate as Doc;
  const composeConfig = yamlFile(DOCKER, 'gitgate.yaml');
  const deployment = k8s('Deployment');
  const pod = deployment.spec.template.spec as Doc;
  const container = (pod.containers as Doc[]).find((c) => c.name === 'gitgate')!;
  const configMap = k8s('ConfigMap');
  const k8sConfigText = configMap.data['gitgate.yaml'] as string;
  const k8sConfig = parseYaml(k8sConfigText) as Doc;
  const secret = k8s('Secret');
  const volume = (name: string): Doc => (pod.volumes as Doc[]).find((v) => v.name === name)!;
  const mount = (c: Doc, name: string): Doc => (c.volumeMounts as Doc[]).find((m) => m.name === name)!;

  describe('Dockerfile', () => {
    it('builds in a separate stage with npm ci and npm run build', () => {
      expect(stages.length).to.be.at.least(2);
      const run = stages[0].instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
      expect(run).to.contain('npm ci').and.contain('npm run build');
      expect((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Doc).scripts.build).to.be.a('string');
    });

    it('runs on node:20-slim with git installed from apt', () => {
      expect(runtime.from).to.equal('node:20-slim');
      const run = runtime.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join(' ');
      expect(run).to.match(/apt-get install [^&]*\bgit\b/);
    });

    it('runs as a non-root user, the one the Kubernetes securityContext names', () => {
      const user = only(runtime, 'USER').args.split(':')[0];
      expect(user).to.not.be.oneOf(['root', '0']);
      expect(pod.securityContext.runAsNonRoot).to.equal(true);
      expect(String(pod.securityContext.runAsUser)).to.equal(user);
    });

    it('declares the data volume every configuration uses as dataDir', () => {
      const v = only(runtime, 'VOLUME');
      const dataDir = (v.json ?? v.args.split(/\s+/))[0];
      expect(dataDir).to.equal('/data');
      expect(composeConfig.dataDir).to.equal(dataDir);
      expect(k8sConfig.dataDir).to.equal(dataDir);
      expect(gateway.volumes).to.include(`gitgate-data:${dataDir}`);
      expect(mount(container, 'data').mountPath).to.equal(dataDir);
    });

    it('exposes the port the configurations listen on, the probes use and the health check calls', () => {
      const port = Number(only(runtime, 'EXPOSE').args);
      expect(port).to.equal(8080);
      expect(portOf(composeConfig.listen as string)).to.equal(port);
      expect(portOf(k8sConfig.listen as string)).to.equal(port);
      expect((container.ports as Doc[]).find((p) => p.name === 'http')!.containerPort).to.equal(port);
      expect(pod.containers[0].livenessProbe.httpGet.port).to.equal('http');
      expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).to.equal(String(port));
      expect(only(runtime, 'HEALTHCHECK').args).to.contain(`127.0.0.1:${port}/healthz`);
    });

    it('starts the gitgate binary of the repository from the copied packages', () => {
      const entry = only(runtime, 'ENTRYPOINT').json!;
      expect(entry).to.deep.equal(['node', ...GATEWAY_NODE_FLAGS, 'packages/cli/bin/gitgate.js']);
      expect(fs.existsSync(path.join(ROOT, entry[entry.length - 1]))).to.equal(true);
      expect(only(runtime, 'WORKDIR').args).to.equal('/app');
      expect(runtime.instructions.some((i) => i.op === 'COPY' && /--from=build\s+\/src\/packages\s+\.\/packages$/.test(i.args))).to.equal(true);
      expect(only(stages[0], 'WORKDIR').args).to.equal('/src');
    });

    it('gives the gateway the same node flags and environment from the bin shebang as from the image', () => {
      const shebang = fs.readFileSync(BIN, 'utf8').split('\n')[0];
      const env = Object.entries(GATEWAY_ENV).map(([k, v]) => `${k}=${v}`);
      expect(shebang).to.equal(`#!/usr/bin/env -S ${env.join(' ')} node ${GATEWAY_NODE_FLAGS.join(' ')}`);
      for (const assignment of env) expect(only(runtime, 'ENV').args.split(/\s+/)).to.include(assignment);
    });

    it('runs serve with the configuration path that compose and Kubernetes mount', () => {
      const cmd = only(runtime, 'CMD').json!;
      expect(cmd).to.deep.equal(['serve', '--config', '/etc/gitgate/gitgate.yaml']);
      expect(gateway.volumes).to.include(`./gitgate.yaml:${cmd[2]}:ro`);
      expect(container.args).to.deep.equal(cmd);
      expect(path.join(mount(container, 'config').mountPath as string, 'gitgate.yaml')).to.equal(cmd[2]);
      expect(volume('config').configMap.name).to.equal(configMap.metadata.name);
      expect(configMap.data).to.have.property(path.basename(cmd[2]));
    });

    it('keeps node_modules and build output out of the build context', () => {
      const ignore = fs.readFileSync(path.join(DOCKER, 'Dockerfile.dockerignore'), 'utf8').split('\n');
      expect(ignore).to.include.members(['**/node_modules', '**/dist', '.git']);
    });
  });

  describe('the gitgate binary', () => {
    it('has the serve and check-config commands the files use', () => {
      const r = spawnSync(process.execPath, [BIN, 'help'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect(r.status).to.equal(0);
      expect(r.stdout).to.contain('gitgate serve --config FILE').and.contain('gitgate check-config FILE');
    });

    it('accepts docker/gitgate.yaml with check-config', () => {
      const r = spawnSync(process.execPath, [BIN, 'check-config', path.join(DOCKER, 'gitgate.yaml')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('listening on 127.0.0.1:8080, data in /data');
    });

    it('accepts the configuration of the Kubernetes ConfigMap', () => {
      // The Deployment fills these from the Secret; here any value will do.
      const env = Object.fromEntries([...k8sConfigText.matchAll(/\benv:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => [m[1], 'placeholder-value']));
      let problems: string[] = [];
      try {
        validateConfig(k8sConfig, '/etc/gitgate', 'docker/k8s/configmap.yaml', env);
      } catch (e) {
        problems = (e as ConfigError).problems ?? [String(e)];
      }
      expect(problems).to.deep.equal([]);
    });
  });

  describe('docker-compose.yml', () => {
    it('builds both services from docker/Dockerfile with the repository root as context', () => {
      for (const name of ['gitgate', 'demo-upstream']) {
        const b = compose.services[name].build as Doc;
        expect(path.resolve(DOCKER, b.context as string)).to.equal(ROOT);
        expect(fs.existsSync(path.join(ROOT, b.dockerfile as string))).to.equal(true);
      }
      expect(stages.map((s) => s.name)).to.include(compose.services['demo-upstream'].build.target);
    });

    it('points the gateway at the address the demo upstream listens on', () => {
      const cmd = compose.services['demo-upstream'].command as string[];
      expect(fs.existsSync(path.join(ROOT, cmd[1]))).to.equal(true);
      const listen = cmd[cmd.indexOf('--listen') + 1];
      const upstream = new URL((composeConfig.repos as Doc[])[0].upstream as string);
      expect(upstream.host).to.equal(listen);
    });

    it('runs the serve command of the image on a volume for the data directory', () => {
      expect(gateway.command).to.deep.equal(only(runtime, 'CMD').json);
      expect(compose.volumes).to.have.property('gitgate-data');
    });
  });

  describe('Kubernetes manifests', () => {
    it('lists every manifest in the kustomization', () => {
      const files = fs.readdirSync(path.join(DOCKER, 'k8s')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
      expect([...(yamlFile(DOCKER, 'k8s', 'kustomization.yaml').resources as string[])].sort()).to.deep.equal(files);
    });

    it('ties the Service, Deployment, claim, ConfigMap and Secret together by name', () => {
      const service = k8s('Service');
      const labels = deployment.spec.template.metadata.labels as Doc;
      for (const [k, v] of Object.entries(service.spec.selector as Doc)) expect(labels[k]).to.equal(v);
      expect((container.ports as Doc[]).map((p) => p.name)).to.include(service.spec.ports[0].targetPort);
      expect(volume('data').persistentVolumeClaim.claimName).to.equal(k8s('PersistentVolumeClaim').metadata.name);
      expect(volume('keys').secret.secretName).to.equal(secret.metadata.name);
    });

    it('probes liveness on /healthz and readiness on /readyz without sync health', () => {
      expect(container.livenessProbe.httpGet.path).to.equal('/healthz');
      expect(container.readinessProbe.httpGet.path).to.equal('/readyz?syncs=ignore');
    });

    it('installs the deployment key from the Secret as dataDir/gitgate.key with mode 0600', () => {
      const init = (pod.initContainers as Doc[])[0];
      const script = (init.command as string[]).join(' ');
      const keys = mount(init, 'keys').mountPath as string;
      expect(script).to.contain(`-m 0600 ${keys}/gitgate.key ${k8sConfig.dataDir}/gitgate.key`);
      expect(mount(init, 'data').mountPath).to.equal(k8sConfig.dataDir);
      expect(volume('keys').secret.items).to.deep.include({ key: 'gitgate.key', path: 'gitgate.key' });
      expect(secret.stringData).to.have.property('gitgate.key');
      expect(init.image).to.equal(container.image);
      // A recursive ownership pass would add group bits to the key, which the vault refuses.
      expect(pod.securityContext.fsGroupChangePolicy).to.equal('OnRootMismatch');
    });

    it('sets every env: name the configuration reads from the Secret, and no other variable', () => {
      const refs = [...k8sConfigText.matchAll(/\benv:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]).sort();
      expect(refs.length).to.be.greaterThan(0);
      const env = container.env as Doc[];
      expect(env.map((e) => e.name).sort()).to.deep.equal(refs);
      for (const e of env) {
        expect(e.valueFrom.secretKeyRef.name).to.equal(secret.metadata.name);
        expect(secret.stringData).to.have.property(e.valueFrom.secretKeyRef.key);
      }
    });
  });

  describe('several replicas (docker/replicas, docker/k8s-replicas)', () => {
    const REPLICAS = path.join(DOCKER, 'replicas');
    // Compose honours YAML merge keys (`<<: *replica`); the yaml package does when asked.
    const replicasCompose = parseYaml(fs.readFileSync(path.join(REPLICAS, 'docker-compose.yml'), 'utf8'), { merge: true }) as Doc;
    const checkConfig = (file: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } =>
      spawnSync(process.execPath, [BIN, 'check-config', file], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

    it('gives two replicas configurations that check-config accepts and that differ only in the listen port', () => {
      for (const r of ['a', 'b']) {
        const result = checkConfig(path.join(REPLICAS, `gitgate-${r}.yaml`));
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout).to.contain('stores in PostgreSQL at 127.0.0.1:5433/gitgate (shared by replicas)');
      }
      const [a, b] = ['a', 'b'].map((r) => fs.readFileSync(path.join(REPLICAS, `gitgate-${r}.yaml`), 'utf8').replace(/Replica [ab]/, 'Replica').replace(/127\.0\.0\.1:808[12]/, 'PORT'));
      expect(a).to.equal(b);
    });

    it('mounts each replica its own configuration and data volume, and the same key and password secrets', () => {
      const a = replicasCompose.services['gitgate-a'] as Doc;
      const b = replicasCompose.services['gitgate-b'] as Doc;
      expect(a.volumes).to.include('./gitgate-a.yaml:/etc/gitgate/gitgate.yaml:ro').and.include('data-a:/data');
      expect(b.volumes).to.include('./gitgate-b.yaml:/etc/gitgate/gitgate.yaml:ro').and.include('data-b:/data');
      expect(b.secrets).to.deep.equal(a.secrets);
      const config = fs.readFileSync(path.join(REPLICAS, 'gitgate-a.yaml'), 'utf8');
      for (const name of a.secrets as string[]) expect(config).to.contain(`file:/run/secrets/${name}`);
    });

    it('balances over both replicas\' ports and takes one out of rotation when its /readyz fails', () => {
      const cfg = fs.readFileSync(path.join(REPLICAS, 'haproxy.cfg'), 'utf8');
      expect(cfg).to.contain('option httpchk GET /readyz?syncs=ignore');
      expect(cfg).to.match(/server a 127\.0\.0\.1:8081 check/).and.match(/server b 127\.0\.0\.1:8082 check/);
    });

    it('accepts the Kubernetes replicas overlay\'s configuration, with a database and the keys from files', () => {
      const overlay = yamlFile(path.join(DOCKER, 'k8s-replicas'), 'configmap.yaml');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
      try {
        const file = path.join(dir, 'gitgate.yaml');
        fs.writeFileSync(file, overlay.data['gitgate.yaml'] as string);
        const result = checkConfig(file, { DATABASE_PASSWORD: 'placeholder-value', GIT_UPSTREAM_TOKEN: 'placeholder-value' });
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout).to.contain('stores in PostgreSQL');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('what the running binary serves', () => {
    let dir: string;
    let child: ChildProcess | undefined;
    let base: string;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitgate-'));
      const config = path.join(dir, 'gitgate.yaml');
      fs.writeFileSync(config, 'listen: 127.0.0.1:0\ndataDir: ./data\nauth: { mode: none }\nlog: { level: error }\nrepos: []\n');
      child = spawn(process.execPath, [BIN, 'serve', '--config', config], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
      base = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child!.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /gitgate listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child!.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
        child!.on('exit', (code) => reject(new Error(`gitgate serve exited (${code}): ${err}`)));
      });
    });

    after(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('answers the liveness probe path', async () => {
      expect((await fetch(base + container.livenessProbe.httpGet.path)).status).to.equal(200);
    });

    it('answers the readiness probe path', async () => {
      expect((await fetch(base + container.readinessProbe.httpGet.path)).status).to.equal(200);
    });

    it('answers the Prometheus scrape path in the text exposition format', async () => {
      const res = await fetch(base + deployment.spec.template.metadata.annotations['prometheus.io/path']);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('version=0.0.4');
    });

    it('keeps its key as gitgate.key in the data directory, where the init container installs it', () => {
      expect(fs.existsSync(path.join(dir, 'data', 'gitgate.key'))).to.equal(true);
    });
  });
});
