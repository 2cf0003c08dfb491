import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const k8s = join(root, 'infra/k8s');
const overlays = readdirSync(join(k8s, 'overlays')).map((name) => join(k8s, 'overlays', name));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const documentsOf = (path: string): any[] => parseAllDocuments(readFileSync(path, 'utf8')).map((document) => document.toJS());
const baseObjects = yamlFiles(join(k8s, 'base')).filter((path) => !path.endsWith('kustomization.yaml')).flatMap(documentsOf);
const ofKind = (kind: string) => baseObjects.filter((object) => object.kind === kind);
const byName = (kind: string, name: string) => ofKind(kind).find((object) => object.metadata.name === name);

/** `kubectl kustomize` where a kubectl is installed (or KUBECTL names one); the CI machines have none. */
const kubectl = process.env.KUBECTL ?? 'kubectl';
const kubectlMissing = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).status === 0 ? undefined : `no ${kubectl} on PATH (set KUBECTL to render the overlays)`;
if (kubectlMissing) console.warn(`[skipped] rendering the kustomize overlays: ${kubectlMissing}`);

describe('deployment manifests', () => {
  it.each([...yamlFiles(join(root, 'infra')), join(root, 'docker-compose.yml'), join(root, 'docker-compose.embedded.yml')].map((path) => [relative(root, path), path]))(
    '%s is valid YAML',
    (_name, path) => {
      for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) expect(document.errors, path).toEqual([]);
    },
  );

  it('every kustomization names files and folders that exist, and the base lists every manifest beside it', () => {
    for (const kustomization of yamlFiles(k8s).filter((path) => path.endsWith('kustomization.yaml'))) {
      const spec = parse(readFileSync(kustomization, 'utf8'));
      const paths = [...(spec.resources ?? []), ...(spec.patches ?? []).flatMap((patch: { path?: string }) => (patch.path ? [patch.path] : []))];
      for (const path of paths) expect(existsSync(join(dirname(kustomization), path)), `${relative(root, kustomization)} → ${path}`).toBe(true);
    }
    const base = parse(readFileSync(join(k8s, 'base/kustomization.yaml'), 'utf8'));
    const manifests = readdirSync(join(k8s, 'base')).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml');
    expect([...base.resources].sort()).toEqual(manifests.sort());
  });

  it('runs every service from an entry point that exists, with probes, resources, config and secrets', () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['recollect-gateway', 'recollect-ingestion', 'recollect-memory', 'recollect-query']);
    for (const deployment of deployments) {
      const [container] = deployment.spec.template.spec.containers;
      const name = deployment.metadata.name;
      expect(container.command[1], name).toMatch(/^apps\/\w+\/dist\/main\.js$/);
      expect(existsSync(join(root, container.command[1].replace('/dist/', '/src/').replace(/\.js$/, '.ts'))), name).toBe(true);
      expect(container.readinessProbe.httpGet.path, name).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path, name).toBe('/health/live');
      expect(container.resources.requests, name).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      expect(container.resources.limits, name).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      expect(container.envFrom, name).toEqual([{ configMapRef: { name: 'recollect-config' } }, { secretRef: { name: 'recollect-secrets' } }]);
      expect(deployment.spec.selector.matchLabels, name).toEqual({ 'app.kubernetes.io/name': name });
      expect(byName('PodDisruptionBudget', name)?.spec.selector.matchLabels, `${name} has a PodDisruptionBudget`).toEqual({ 'app.kubernetes.io/name': name });
      expect(byName('Service', name), `${name} has a Service`).toBeDefined();
    }
  });

  it('migrates from a Job that runs each service’s migrate entry point', () => {
    const [job] = ofKind('Job');
    const script = job.spec.template.spec.containers[0].command.join(' ');
    for (const service of ['ingestion', 'memory']) {
      expect(script).toContain(`node apps/${service}/dist/migrate.js`);
      expect(existsSync(join(root, `apps/${service}/src/migrate.ts`))).toBe(true);
    }
  });

  it('autoscales ingestion and query, never past the partition count of their topics', () => {
    const partitions = Number(byName('ConfigMap', 'recollect-config').data.KAFKA_TOPIC_PARTITIONS);
    const targets = ofKind('HorizontalPodAutoscaler').map((hpa) => {
      expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(partitions);
      expect(byName('Deployment', hpa.spec.scaleTargetRef.name)).toBeDefined();
      return hpa.spec.scaleTargetRef.name;
    });
    expect(targets.sort()).toEqual(['recollect-ingestion', 'recollect-query']);
  });

  it('routes the Ingress to the gateway Service and lets 50 MB bodies through', () => {
    const [ingress] = ofKind('Ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'recollect-gateway', port: { name: 'http' } });
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('60m');
  });

  it.skipIf(kubectlMissing !== undefined).each(overlays.map((overlay) => [relative(root, overlay), overlay]))('kubectl kustomize renders %s', (_name, overlay) => {
    const rendered = parseAllDocuments(execFileSync(kubectl, ['kustomize', overlay], { encoding: 'utf8' })).map((document) => document.toJS());
    const kinds = rendered.map((object) => object.kind);
    for (const kind of ['ConfigMap', 'Deployment', 'Service', 'Job', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress']) expect(kinds).toContain(kind);
    for (const object of rendered.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
      expect(object.spec.template.spec.containers[0].image).not.toBe('recollect'); // every overlay names a registry or tag
    }
  });

  describe('docker-compose.yml', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
    const services = compose.services;

    it('starts Kafka in KRaft mode, OpenSearch, PostgreSQL, a migration and the four services', () => {
      expect(Object.keys(services).sort()).toEqual(['gateway', 'ingestion', 'kafka', 'memory', 'migrate', 'opensearch', 'postgres', 'query']);
      expect(services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      for (const infrastructure of ['kafka', 'opensearch', 'postgres']) expect(services[infrastructure].healthcheck.test, infrastructure).toBeDefined();
      expect(services.gateway.ports).toEqual(['${PORT:-8080}:8080']);
    });

    it('starts each service after what it needs is healthy, and after the migration', () => {
      expect(services.ingestion.depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
        opensearch: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
      expect(services.memory.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(services.query.depends_on).toMatchObject({ kafka: { condition: 'service_healthy' }, opensearch: { condition: 'service_healthy' } });
      expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    });

    it('runs entry points that exist, on the Kafka bus and the OpenSearch index', () => {
      for (const name of ['gateway', 'ingestion', 'query', 'memory']) {
        const entry = services[name].command[1];
        expect(existsSync(join(root, entry.replace('/dist/', '/src/').replace(/\.js$/, '.ts'))), name).toBe(true);
        expect(services[name].environment).toMatchObject({ BUS: 'kafka', SEARCH_INDEX: 'opensearch', KAFKA_BROKERS: 'kafka:9092' });
      }
    });
  });
});
