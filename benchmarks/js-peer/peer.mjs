// The JavaScript peer of `./bench.sh ingest`: @kubernetes/client-node (what Headlamp's and Lens's backends
// build on) against the benchmark's own API server on loopback. Prints one JSON line.
//   node peer.mjs watch URL EVENTS      reads the watch stream with client-node's Watch (what its informer uses)
//   node --expose-gc peer.mjs informer URL PODS   lists and caches PODS pods with makeInformer: heap per cached pod
import * as k8s from '@kubernetes/client-node';

const [mode, server, countText] = process.argv.slice(2);
const expected = Number(countText);
const kc = new k8s.KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'bench', server, skipTLSVerify: true }],
  users: [{ name: 'bench', token: 'bench' }],
  contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
  currentContext: 'bench',
});

if (mode === 'watch') {
  let seen = 0;
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    new k8s.Watch(kc)
      .watch('/api/v1/pods', { resourceVersion: '1', allowWatchBookmarks: true },
        (type, obj) => { if (obj?.metadata?.name) seen++; },
        (err) => (err ? reject(err) : resolve()))
      .catch(reject);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (seen !== expected) throw new Error(`client-node watch saw ${seen} of ${expected}`);
  console.log(JSON.stringify({ events: seen, seconds }));
} else if (mode === 'informer') {
  global.gc();
  const before = process.memoryUsage().heapUsed;
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/pods', () => api.listPodForAllNamespaces());
  await informer.start();
  const deadline = Date.now() + 120_000;
  while (informer.list().length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (informer.list().length !== expected) throw new Error(`informer cached ${informer.list().length} of ${expected}`);
  global.gc();
  const after = process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ pods: expected, bytesPerPod: (after - before) / expected }));
  await informer.stop();
  process.exit(0);
} else {
  throw new Error(`unknown mode ${mode}`);
}
