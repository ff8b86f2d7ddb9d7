// Resolves artifacts from Maven Central by coordinates with the machine's own `mvn`, so no
// download URL is written anywhere in the repository and Maven's local cache is reused.
import { execFileSync } from 'node:child_process';

export function mavenAvailable(): boolean {
  try {
    execFileSync('mvn', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runMaven(args: string[], what: string): void {
  if (!mavenAvailable()) throw new Error(`Maven (mvn) is needed to fetch ${what}; install Maven and JDK 17.`);
  try {
    execFileSync('mvn', ['-B', '-q', '-Dstyle.color=never', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`Maven failed to fetch ${what}:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`, { cause: err });
  }
}

/** Copies one artifact (e.g. `group:artifact:version:zip`) into `outputDir`. */
export function copyArtifact(coordinates: string, outputDir: string): void {
  runMaven(['org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${outputDir}`], coordinates);
}

/** Copies the runtime dependencies of a POM into `outputDir`. */
export function copyDependencies(pomFile: string, outputDir: string, properties: Record<string, string>): void {
  runMaven(
    [
      '-f',
      pomFile,
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      `-DoutputDirectory=${outputDir}`,
      '-DincludeScope=runtime',
      ...Object.entries(properties).map(([k, v]) => `-D${k}=${v}`),
    ],
    pomFile,
  );
}
