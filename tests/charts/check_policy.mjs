// check_policy.mjs <tools dir> <rendered.yaml>: what the chart promises
// (docs/deploy.md, issue 14) and what the API server enforces beyond the
// JSON schemas, checked on one rendering. Exit 1 listing every broken rule.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [toolsDir, file] = process.argv.slice(2);
const yaml = createRequire(join(toolsDir, "node_modules", "_"))("js-yaml");
const docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
const errors = [];
const expect = (cond, what) => cond || errors.push(what);
const find = (kind, component) =>
  docs.filter((d) => d.kind === kind && d.metadata?.labels?.["app.kubernetes.io/component"] === component);

const flowdCaps = new Set(["BPF", "PERFMON", "NET_ADMIN", "SYS_RESOURCE"]);

// The API server refuses Bidirectional propagation outside privileged
// containers (the JSON schema cannot say so).
for (const d of docs) {
  const spec = d.spec?.template?.spec;
  if (!spec) continue;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const m of c.volumeMounts ?? []) {
      if (m.mountPropagation === "Bidirectional")
        expect(c.securityContext?.privileged === true, `${d.kind}/${c.name}: Bidirectional mount ${m.mountPath} needs privileged`);
    }
  }
}

// A directory is covered when a volume is mounted at it or above it.
const covered = (mounts, path) =>
  mounts.some((m) => path === m.mountPath || path.startsWith(m.mountPath.replace(/\/$/, "") + "/"));
const flagValue = (args, flag) => args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
const dirOf = (p) => p.replace(/\/[^/]*$/, "") || "/";

const [ds] = find("DaemonSet", "flowd");
expect(ds, "no flowd DaemonSet");
if (ds) {
  const spec = ds.spec.template.spec;
  const flowd = spec.containers.find((c) => c.name === "flowd");
  const sc = flowd.securityContext ?? {};
  expect(spec.hostNetwork === true, "flowd: hostNetwork");
  expect(spec.priorityClassName === "system-node-critical", "flowd: priorityClassName system-node-critical");
  expect((spec.tolerations ?? []).some((t) => t.operator === "Exists" && !t.key && !t.effect), "flowd: tolerates every taint");
  expect(ds.spec.updateStrategy?.type === "RollingUpdate", "flowd: RollingUpdate");
  expect(sc.privileged === false, "flowd: privileged: false");
  expect(sc.allowPrivilegeEscalation === false, "flowd: allowPrivilegeEscalation: false");
  expect(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', "flowd: drops ALL capabilities");
  for (const cap of sc.capabilities?.add ?? []) expect(flowdCaps.has(cap), `flowd: unexpected capability ${cap}`);
  const probe = (p, path) => p?.httpGet?.path === path && p.httpGet.port === "metrics";
  expect(probe(flowd.livenessProbe, "/healthz"), "flowd: liveness on /healthz (metrics port)");
  expect(probe(flowd.readinessProbe, "/readyz"), "flowd: readiness on /readyz (metrics port)");
  const metricsPort = flowd.ports.find((p) => p.name === "metrics")?.containerPort;
  expect(flagValue(flowd.args, "--metrics-address") === `:${metricsPort}`, "flowd: probes reach --metrics-address");
  const hostPaths = Object.fromEntries(spec.volumes.filter((v) => v.hostPath).map((v) => [v.name, v.hostPath.path]));
  const mounts = flowd.volumeMounts ?? [];
  const bpffs = mounts.find((m) => m.mountPath === "/sys/fs/bpf");
  expect(bpffs && hostPaths[bpffs.name] === "/sys/fs/bpf", "flowd: the host's /sys/fs/bpf mounted");
  // Every path flag points into a mount, and for host paths at the same
  // place as on the host (flows-cni on the host dials the same cni.sock).
  for (const [flag, isDir] of [["--socket-path", false], ["--cni-socket", false], ["--state-dir", true],
                               ["--pin-root", true], ["--tls-cert-file", false], ["--tls-key-file", false],
                               ["--tls-client-ca-files", false]]) {
    const v = flagValue(flowd.args, flag);
    if (v === undefined) continue;
    const dir = isDir ? v : dirOf(v);
    expect(covered(mounts, dir), `flowd: ${flag}=${v} is not on a mounted volume`);
  }
  for (const m of mounts) {
    if (hostPaths[m.name]) expect(hostPaths[m.name] === m.mountPath, `flowd: host path ${hostPaths[m.name]} mounted at ${m.mountPath}`);
  }
}

const [relay] = find("Deployment", "relay");
if (relay) {
  const spec = relay.spec.template.spec;
  const c = spec.containers.find((x) => x.name === "relay");
  const sc = { ...spec.securityContext, ...c.securityContext };
  expect(sc.runAsNonRoot === true && sc.runAsUser === 65532, "relay: runAsNonRoot, runAsUser 65532");
  expect(JSON.stringify(c.securityContext?.capabilities?.drop) === '["ALL"]' && !c.securityContext?.capabilities?.add,
         "relay: no capabilities");
  expect(c.securityContext?.readOnlyRootFilesystem === true, "relay: readOnlyRootFilesystem");
  expect(c.securityContext?.allowPrivilegeEscalation === false, "relay: allowPrivilegeEscalation false");
  expect(sc.seccompProfile?.type === "RuntimeDefault", "relay: seccomp RuntimeDefault");
  expect(spec.automountServiceAccountToken === false, "relay: no API token");
  const mounts = c.volumeMounts ?? [];
  for (const a of c.args) {
    const m = a.match(/^--(?:peer-tls-(?:ca|cert|key)|tls-(?:cert|key))=(.*)$/);
    if (m) expect(covered(mounts, dirOf(m[1])), `relay: ${a} is not on a mounted volume`);
  }
  // The relay's --peer-dns names the headless peer Service on flowd's port.
  const peer = flagValue(c.args, "--peer-dns");
  const svc = docs.find((d) => d.kind === "Service" && d.spec?.clusterIP === "None" && peer?.startsWith(`${d.metadata.name}.`));
  expect(svc, `relay: --peer-dns=${peer} names no headless Service`);
  if (svc) expect(peer.endsWith(`:${svc.spec.ports[0].port}`), "relay: --peer-dns port is the peer Service's");
}

// RBAC grants what flowd reads: every collection flowd's Kubernetes client
// lists and watches (the Resource factories in flowd/k8s resource.h, read
// from the source so a new informer cannot ship without its rule).
const resourceH = readFileSync(new URL("../../flowd/k8s/include/flows/flowd/k8s/resource.h", import.meta.url), "utf8");
const reads = [...resourceH.matchAll(/static Resource \w+\(\) \{ return \{"([^"]*)", "[^"]*", "([^"]*)"\}; \}/g)]
  .map(([, group, plural]) => ({ group, plural }));
expect(reads.some((r) => r.plural === "namespaces"), "resource.h: no namespaces collection found (parser out of date?)");
const role = docs.find((d) => d.kind === "ClusterRole" && d.metadata?.labels?.["app.kubernetes.io/component"] === "flowd");
if (role) {
  for (const { group, plural } of reads) {
    for (const verb of ["list", "watch"]) {
      expect(role.rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(plural) && r.verbs.includes(verb)),
             `RBAC: flowd's ClusterRole does not grant ${verb} on ${plural}${group ? "." + group : ""}`);
    }
  }
}

// flowd announces its own DaemonSet's pods as peers: --peer-pods selects
// exactly the pods the DaemonSet makes, in its namespace.
if (ds) {
  const flowd = ds.spec.template.spec.containers.find((c) => c.name === "flowd");
  const pp = flagValue(flowd.args, "--peer-pods") ?? "";
  const slash = pp.indexOf("/");  // the namespace ends at the first '/'; label keys may hold more
  const [ns, selector] = [pp.slice(0, Math.max(slash, 0)), pp.slice(slash + 1)];
  expect(ns === ds.metadata.namespace, `flowd: --peer-pods namespace ${ns} is not the DaemonSet's`);
  const terms = selector.split(",").filter(Boolean).map((t) => t.split("="));
  expect(terms.length > 0, "flowd: --peer-pods selects nothing");
  for (const [k, v] of terms)
    expect(ds.spec.template.metadata.labels[k] === v, `flowd: --peer-pods label ${k}=${v} is not on flowd's pods`);
  const sorted = (o) => JSON.stringify(Object.entries(o).sort());
  expect(sorted(Object.fromEntries(terms)) === sorted(ds.spec.selector.matchLabels),
         "flowd: --peer-pods is not the DaemonSet's selector");
  // Named "grpc": what flowd dials peers on.
  expect(flowd.ports.some((p) => p.name === "grpc" && `:${p.containerPort}` === flagValue(flowd.args, "--listen-address")),
         "flowd: the grpc port is not --listen-address");

  // Every node is announced as <node>.<cluster>.flows-grpc: flowd's
  // certificate must cover that (and the fixed name --peer-dns relays expect).
  const cluster = flagValue(flowd.args, "--cluster-name");
  const wanted = [`*.${cluster}.flows-grpc`];
  const relayName = relay && flagValue(relay.spec.template.spec.containers.find((x) => x.name === "relay").args,
                                       "--peer-tls-server-name");
  if (relayName) wanted.push(relayName);
  const isFlowdServer = (name) => name?.endsWith("-server-certs") && !name.endsWith("-relay-server-certs");
  const secret = docs.find((d) => d.kind === "Secret" && isFlowdServer(d.metadata.name));
  const certificate = docs.find((d) => d.kind === "Certificate" && isFlowdServer(d.spec?.secretName));
  let names = null;
  if (secret?.data?.["tls.crt"]) {
    const { X509Certificate } = await import("node:crypto");
    const cert = new X509Certificate(Buffer.from(secret.data["tls.crt"], "base64"));
    names = (cert.subjectAltName ?? "").split(", ").map((n) => n.replace(/^DNS:/, ""));
  } else if (certificate) {
    names = certificate.spec.dnsNames ?? [];
  }
  if (names) for (const n of wanted) expect(names.includes(n), `TLS: flowd's certificate does not cover ${n} (has ${names})`);
}

// Services and the workloads' named ports agree.
for (const svc of docs.filter((d) => d.kind === "Service")) {
  const sel = svc.spec.selector ?? {};
  const target = docs.find((d) => d.spec?.template && Object.entries(sel).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
  expect(target, `Service ${svc.metadata.name}: selects no workload`);
  if (!target) continue;
  const names = target.spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
  for (const p of svc.spec.ports) expect(names.includes(p.targetPort), `Service ${svc.metadata.name}: no container port ${p.targetPort}`);
}

for (const e of errors) console.log(`FAIL ${e}`);
console.log(errors.length ? `${errors.length} policy rule(s) broken` : `policy ok (${docs.length} objects)`);
process.exit(errors.length ? 1 : 0);
