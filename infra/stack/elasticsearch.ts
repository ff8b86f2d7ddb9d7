// Elasticsearch for the local stack: the integ-test-zip distribution resolved from Maven Central,
// run as a single node on loopback. Elasticsearch refuses to start as root, so when the launcher
// is root it creates an unprivileged system user and runs the node as that user.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyArtifact } from './maven';
import { chownTree, RunAs, serverRoot, serviceUser } from './service-user';
import { ManagedProcess, managedProcess, runningPid, startDetached, waitUntilReady } from './processes';
import { forInstance, type StackSettings } from './stack-settings';

/** `segmenter-local-1` for the default instance, `segmenter-local-1-<instance>` for another. */
const nodeName = (s: StackSettings) => forInstance(s, 'segmenter-local-1');

export function elasticsearchProcess(s: StackSettings): ManagedProcess {
  // The versioned home directory is on the command line of both the launcher script and the JVM.
  if (!s.instance) return managedProcess(s.runDir, s.logDir, 'elasticsearch', `elasticsearch-${s.elasticsearch.version}`);
  // Every instance shares that home, so another instance is told apart by its node name (the
  // trailing space: /proc's cmdline ends every argument with NUL, read as a space).
  return managedProcess(s.runDir, s.logDir, 'elasticsearch', `-Enode.name=${nodeName(s)} `);
}

/** Where an instance's node lives: the shared (versioned) home and the instance's own directories in it. */
export function elasticsearchPaths(s: StackSettings, runAs: RunAs | undefined = serviceUser(s.serviceUser)) {
  const home = path.join(serverRoot(s.cacheDir, runAs), `elasticsearch-${s.elasticsearch.version}`);
  return {
    home,
    data: path.join(home, forInstance(s, 'data')),
    logs: path.join(home, forInstance(s, 'logs')),
    tmp: path.join(home, forInstance(s, 'tmp')),
  };
}

// data, logs, tmp and their per-instance variants (data-<instance>, ...) directly in the home.
const INSTANCE_DIR = /^(data|logs|tmp)(-[a-z0-9-]+)?$/;

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
function install(s: StackSettings, runAs: RunAs | undefined): ReturnType<typeof elasticsearchPaths> {
  const { version } = s.elasticsearch;
  const paths = elasticsearchPaths(s, runAs);
  const { home } = paths;
  if (!fs.existsSync(path.join(home, 'bin', 'elasticsearch'))) {
    const zip = downloadElasticsearch(s);
    const parent = path.dirname(home);
    fs.mkdirSync(parent, { recursive: true });
    const staging = fs.mkdtempSync(path.join(parent, '.unpack-'));
    execFileSync('unzip', ['-q', zip, '-d', staging]);
    fs.renameSync(path.join(staging, `elasticsearch-${version}`), home);
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const own = [paths.data, paths.logs, paths.tmp];
  for (const dir of own) fs.mkdirSync(dir, { recursive: true });
  // Elasticsearch writes its keystore into config/ and its data and logs into the home. Other
  // instances' directories are left alone: their nodes may be writing into them right now, and a
  // file vanishing under `chown -R` fails it.
  if (runAs) {
    fs.chownSync(home, runAs.uid, runAs.gid);
    const entries = fs
      .readdirSync(home)
      .map((name) => path.join(home, name))
      .filter((entry) => !INSTANCE_DIR.test(path.basename(entry)) || own.includes(entry));
    chownTree(entries, runAs);
  }
  return paths;
}

/**
 * Deletes a non-default instance's data and scratch directories (its logs stay), so its next
 * start is a fresh single-node cluster. Refused for the default instance and while the node runs.
 */
export function wipeElasticsearchInstance(s: StackSettings): void {
  if (!s.instance) throw new Error('refusing to wipe the default Elasticsearch instance');
  if (runningPid(elasticsearchProcess(s)) !== undefined) throw new Error(`Elasticsearch instance ${s.instance} is running`);
  const { data, tmp } = elasticsearchPaths(s);
  for (const dir of [data, tmp]) fs.rmSync(dir, { recursive: true, force: true });
}

export async function startElasticsearch(s: StackSettings): Promise<'started' | 'running'> {
  const proc = elasticsearchProcess(s);
  const { url, port, transportPort, heap } = s.elasticsearch;
  if (await elasticsearchHealthy(url)) return 'running';
  if (runningPid(proc) !== undefined) {
    await waitUntilReady(proc, () => elasticsearchHealthy(url), s.startTimeoutMs);
    return 'running';
  }
  const runAs = serviceUser(s.serviceUser);
  const { home, data, logs, tmp } = install(s, runAs);
  startDetached(proc, {
    command: path.join(home, 'bin', 'elasticsearch'),
    args: [
      `-Ecluster.name=${forInstance(s, 'segmenter-local')}`,
      `-Enode.name=${nodeName(s)}`,
      '-Ediscovery.type=single-node',
      '-Enetwork.host=127.0.0.1',
      `-Ehttp.port=${port}`,
      `-Etransport.port=${transportPort}`,
      `-Epath.data=${data}`,
      `-Epath.logs=${logs}`,
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
      ES_TMPDIR: tmp,
      // The launcher JVM's scratch files (JVM option probes) stay in the home, not in /tmp.
      CLI_JAVA_OPTS: `-Djava.io.tmpdir=${tmp}`,
    },
    uid: runAs?.uid,
    gid: runAs?.gid,
  });
  await waitUntilReady(proc, () => elasticsearchHealthy(url), s.startTimeoutMs);
  return 'started';
}
