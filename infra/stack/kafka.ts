// Apache Kafka for the local stack: the broker's jars resolved from Maven Central (infra/kafka/pom.xml)
// and run as one KRaft node (broker and controller in one process) on loopback.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { copyDependencies } from './maven';
import { ManagedProcess, managedProcess, runningPid, startDetached, waitUntilReady } from './processes';
import { forInstance, type StackSettings } from './stack-settings';

/** The broker's jars (shared by every instance) and the instance's own data folder and config file. */
export function kafkaPaths(s: StackSettings) {
  const home = path.join(s.cacheDir, `kafka-${s.kafka.version}`);
  return {
    home,
    libs: path.join(home, 'libs'),
    dataDir: path.join(home, forInstance(s, 'data')),
    configFile: path.join(home, `${forInstance(s, 'server')}.properties`),
  };
}

export function kafkaProcess(s: StackSettings): ManagedProcess {
  if (!s.instance) return managedProcess(s.runDir, s.logDir, 'kafka', 'kafka.Kafka');
  // Another instance runs the same main class: its own config file (the last argument, so
  // followed by the NUL that /proc's cmdline shows as a space) tells it apart.
  return managedProcess(s.runDir, s.logDir, 'kafka', `kafka.Kafka ${kafkaPaths(s).configFile} `);
}

/** Ready when the broker answers an ApiVersions request, not merely when the port is open. */
export function kafkaHealthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      // ApiVersions v0: size, api key 18, version 0, correlation id 1, client id "health".
      const clientId = Buffer.from('health');
      const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
      body.writeInt16BE(18, 0);
      body.writeInt16BE(0, 2);
      body.writeInt32BE(1, 4);
      body.writeInt16BE(clientId.length, 8);
      clientId.copy(body, 10);
      const size = Buffer.alloc(4);
      size.writeInt32BE(body.length, 0);
      socket.write(Buffer.concat([size, body]));
    });
    socket.on('data', (data) => {
      // Response: size, correlation id, error code 0 when the broker is serving.
      done(data.length >= 10 && data.readInt32BE(4) === 1 && data.readInt16BE(8) === 0);
    });
  });
}

function serverProperties(s: StackSettings, dataDir: string): string {
  const { port, controllerPort } = s.kafka;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=6',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are created explicitly by the services, with the partition count from config.
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/** Fetches the broker's jars once (Maven), returning where they are. */
export function installKafka(s: StackSettings): { home: string; libs: string } {
  const { version } = s.kafka;
  const { home, libs } = kafkaPaths(s);
  if (!fs.existsSync(path.join(libs, `kafka_2.13-${version}.jar`))) {
    console.log(`[stack] fetching Kafka ${version} broker jars with Maven...`);
    copyDependencies(path.join(s.repoRoot, 'infra', 'kafka', 'pom.xml'), libs, { 'kafka.version': version });
  }
  return { home, libs };
}

export async function startKafka(s: StackSettings): Promise<'started' | 'running'> {
  const proc = kafkaProcess(s);
  const { port, heap } = s.kafka;
  if (await kafkaHealthy(port)) return 'running';
  if (runningPid(proc) !== undefined) {
    await waitUntilReady(proc, () => kafkaHealthy(port), s.startTimeoutMs);
    return 'running';
  }
  const { home, libs } = installKafka(s);
  const { dataDir, configFile } = kafkaPaths(s);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(configFile, serverProperties(s, dataDir));
  const java = ['-cp', `${libs}/*`, `-Dlog4j.configuration=file:${path.join(s.repoRoot, 'infra', 'kafka', 'log4j.properties')}`];
  if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
    // KRaft storage must be formatted once with a cluster id: 16 random bytes, base64url. One
    // starting with '-' would be read as an option, so draw again (as Kafka's own Uuid does).
    let clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
    execFileSync('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  startDetached(proc, {
    command: 'java',
    args: [`-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true', ...java, 'kafka.Kafka', configFile],
    cwd: home,
  });
  await waitUntilReady(proc, () => kafkaHealthy(port), s.startTimeoutMs);
  return 'started';
}

/**
 * Deletes a non-default instance's KRaft data folder and config file, so its next start formats a
 * new cluster. Refused for the default instance and while the broker runs.
 */
export function wipeKafkaInstance(s: StackSettings): void {
  if (!s.instance) throw new Error('refusing to wipe the default Kafka instance');
  if (runningPid(kafkaProcess(s)) !== undefined) throw new Error(`Kafka instance ${s.instance} is running`);
  const { dataDir, configFile } = kafkaPaths(s);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(configFile, { force: true });
}
