// Elasticsearch for the local stack: the integ-test-zip distribution resolved from Maven Central,
// run as a single node on loopback. Elasticsearch refuses to start as root, so when the launcher
// is root it creates an unprivileged system user and runs the node as that user.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyArtifact } from './maven';
import { chownTree, RunAs, serverRoot, serviceUser } from './service-user';
import { ManagedProcess, managedProcess, runningPid, startDetached, waitUntilReady } from './processes';
import type { StackSettings } from './stack-settings';

export function elasticsearchProcess(s: StackSettings): ManagedProcess {
  // The versioned home directory is on the command line of both the launcher script and the JVM.
  return managedProcess(s.runDir, s.logDir, 'elasticsearch', `elasticsearch-${s.elasticsearch.version}`);
}

export async function elasticsearchHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
      signal: AbortSignal.timeout(3000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

function javaHome(): string {
  if (process.env.ES_JAVA_HOME) return process.env.ES_JAVA_HOME;
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  const java = execFileSync('sh', ['-c', 'readlink -f "$(command -v java)"']).toString().trim();
  if (!java) throw new Error('No Java found: Elasticsearch needs JDK 17+ (set ES_JAVA_HOME or JAVA_HOME).');
  return path.resolve(path.dirname(java), '..');
}

/** Fetches the distribution once (Maven); returns the zip's path. */
export function downloadElasticsearch(s: StackSettings): string {
  const { version } = s.elasticsearch;
  const downloads = path.join(s.cacheDir, 'downloads');
  const zip = path.join(downloads, `elasticsearch-${version}.zip`);
  if (!fs.existsSync(zip)) {
    console.log(`[stack] fetching Elasticsearch ${version} (integ-test-zip) with Maven...`);
    copyArtifact(`org.elasticsearch.distribution.integ-test-zip:elasticsearch:${version}:zip`, downloads);
  }
  return zip;
}

/** Unpacks the distribution once into `home`, owned by the user it runs as. */
function install(s: StackSettings, home: string, runAs: RunAs | undefined): void {
  const { version } = s.elasticsearch;
  if (!fs.existsSync(path.join(home, 'bin', 'elasticsearch'))) {
    const zip = downloadElasticsearch(s);
    const parent = path.dirname(home);
    fs.mkdirSync(parent, { recursive: true });
    const staging = fs.mkdtempSync(path.join(parent, '.unpack-'));
    execFileSync('unzip', ['-q', zip, '-d', staging]);
    fs.renameSync(path.join(staging, `elasticsearch-${version}`), home);
    fs.rmSync(staging, { recursive: true, force: true });
  }
  for (const dir of ['data', 'logs', 'tmp']) fs.mkdirSync(path.join(home, dir), { recursive: true });
  // Elasticsearch writes its keystore into config/ and its data and logs into the home.
  chownTree(home, runAs);
}

export async function startElasticsearch(s: StackSettings): Promise<'started' | 'running'> {
  const proc = elasticsearchProcess(s);
  const { url, version, port, transportPort, heap } = s.elasticsearch;
  if (await elasticsearchHealthy(url)) return 'running';
  if (runningPid(proc) !== undefined) {
    await waitUntilReady(proc, () => elasticsearchHealthy(url), s.startTimeoutMs);
    return 'running';
  }
  const runAs = serviceUser(s.serviceUser);
  const home = path.join(serverRoot(s.cacheDir, runAs), `elasticsearch-${version}`);
  install(s, home, runAs);
  startDetached(proc, {
    command: path.join(home, 'bin', 'elasticsearch'),
    args: [
      '-Ecluster.name=segmenter-local',
      '-Enode.name=segmenter-local-1',
      '-Ediscovery.type=single-node',
      '-Enetwork.host=127.0.0.1',
      `-Ehttp.port=${port}`,
      `-Etransport.port=${transportPort}`,
      `-Epath.data=${path.join(home, 'data')}`,
      `-Epath.logs=${path.join(home, 'logs')}`,
      // A local single node: no TLS or auth, and no refusing writes on a nearly full dev disk.
      '-Expack.security.enabled=false',
      '-Ecluster.routing.allocation.disk.threshold_enabled=false',
    ],
    cwd: home,
    env: {
      PATH: process.env.PATH,
      HOME: runAs ? home : process.env.HOME,
      ES_JAVA_HOME: javaHome(),
      ES_JAVA_OPTS: `-Xms${heap} -Xmx${heap}`,
      ES_TMPDIR: path.join(home, 'tmp'),
      // The launcher JVM's scratch files (JVM option probes) stay in the home, not in /tmp.
      CLI_JAVA_OPTS: `-Djava.io.tmpdir=${path.join(home, 'tmp')}`,
    },
    uid: runAs?.uid,
    gid: runAs?.gid,
  });
  await waitUntilReady(proc, () => elasticsearchHealthy(url), s.startTimeoutMs);
  return 'started';
}
