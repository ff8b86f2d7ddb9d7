// One sample of a Prometheus text exposition: the value of `name` whose labels include `labels`.
export function metricSample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (match && match[1] === name && wanted.every((w) => match[2]!.split(',').includes(w))) return Number(match[3]);
  }
  return undefined;
}
