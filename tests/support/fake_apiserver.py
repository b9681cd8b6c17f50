#!/usr/bin/python3
"""A scripted stand-in for the Kubernetes API server, for tests.

No API server can run on the test machines, so flowd's Kubernetes client is
tested against this double. It speaks just enough of the real protocol that
kubectl and the official Python client work against it too
(tests/flowd/k8s/test_fake_apiserver_faithful.sh checks that), which is what
makes it worth trusting as a double:

  * discovery: /version, /api, /api/v1, /apis, /apis/discovery.k8s.io/v1
  * pods, services, namespaces (core/v1) and endpointslices
    (discovery.k8s.io/v1), for all namespaces and per namespace, plus GET of
    one object by name; written objects get the server's defaults (a
    namespace's kubernetes.io/metadata.name label, container ports' TCP
    protocol, hostPort for host-network pods)
  * list with resourceVersion (Exact snapshots included), limit/continue
    pagination served from a consistent snapshot, equality label and field
    selectors
  * watch over HTTP/1.1 chunked transfer, one JSON event per line and per
    chunk, from a resourceVersion (replaying history), with bookmarks,
    timeoutSeconds, and "410 Gone" for compacted resourceVersions
  * optional TLS (certificates made with the openssl CLI) and bearer tokens
    or client certificates

Objects change through actions, given as a JSON script (--script, run in
order with sleeps and waits between them) or POSTed to the control listener
(--control-port; always plain HTTP on 127.0.0.1, never authenticated):

  POST /_fake/actions   one action object or a list of them; the reply says
                        the resourceVersion after they were applied
  GET  /_fake/requests  the requests seen so far (method, path, query, auth)
  POST /_fake/requests/clear
  GET  /_fake/watchers  open watch streams per resource

Actions ({"op": ...}):
  add | modify        {"resource": "pods", "object": {...}}
  delete              {"resource": "pods", "namespace": "ns", "name": "n"}
  bookmark            {"resource": "pods"} (optional: all resources)
  expire              every resourceVersion up to now is compacted: watches
                      and continue tokens from before now get 410 Gone
  gone                open watches get an ERROR event with code 410 and end
  close               open watches end; "mode": "abort" drops the connection
                      without the terminating chunk, "end" (default) ends it
  fail                the next "count" (default 1) requests whose path starts
                      with "path" (and, if given, whose "watch" matches) get
                      HTTP "status" with a Status body, or with status 0 the
                      connection is dropped without a reply
  set_tokens          {"tokens": [...]} bearer tokens accepted from now on
  sleep, wait_watchers  script only: {"seconds": s}; {"resource", "count",
                      "timeout"} waits until that many watches are open

When listening it prints one line of JSON to stdout (and to --port-file):
{"port": N, "control_port": M, "ca": "<CA file or null>", "client_cert": ...}.
Only the Python standard library and the openssl CLI are used.
"""

import argparse
import base64
import copy
import http.server
import json
import os
import select
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

# (group, version, plural, kind, namespaced, short names)
RESOURCES = [
    ("", "v1", "pods", "Pod", True, ["po"]),
    ("", "v1", "services", "Service", True, ["svc"]),
    ("", "v1", "namespaces", "Namespace", False, ["ns"]),
    ("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True, []),
]
BY_PLURAL = {r[2]: r for r in RESOURCES}
VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
SERVER_VERSION = {
    "major": "1", "minor": "32", "gitVersion": "v1.32.0-flows-fake",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z",
    "goVersion": "go1.23.0", "compiler": "gc", "platform": "linux/amd64",
}


def api_version_of(group, version):
    return version if not group else f"{group}/{version}"


def status_body(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": message, "reason": reason,
            "code": code}


class Gone(Exception):
    pass


class State:
    """Objects, their history and the watchers, under one lock."""

    def __init__(self):
        self.cond = threading.Condition()
        self.rv = 1
        self.compacted = 0  # resourceVersions <= this are too old
        self.objects = {p: {} for p in BY_PLURAL}  # plural -> key -> object
        # Every change as (rv, plural, type, object): watch replays and
        # list snapshots at an older resourceVersion are built from it.
        self.history = []
        # What open watches see, in order: ("event", history entry),
        # ("bookmark", plural or None, rv), ("signal", "gone" | "close",
        # plural or None, mode).
        self.timeline = []
        self.failures = []  # dicts: path, watch, status, count
        self.tokens = set()
        self.requests = []
        self.watchers = {p: 0 for p in BY_PLURAL}

    # --- changes -------------------------------------------------------

    def _next_rv(self):
        self.rv += 1
        return self.rv

    @staticmethod
    def key_of(obj):
        md = obj.get("metadata", {})
        return (md.get("namespace", ""), md.get("name", ""))

    def apply(self, action):
        op = action.get("op")
        with self.cond:
            if op in ("add", "modify"):
                self._put(action["resource"], action["object"], op)
            elif op == "delete":
                self._delete(action["resource"], action.get("namespace", ""), action["name"])
            elif op == "bookmark":
                self.timeline.append(("bookmark", action.get("resource"), self.rv))
            elif op == "expire":
                self.compacted = self.rv
            elif op in ("gone", "close"):
                self.timeline.append(("signal", op, action.get("resource"), action.get("mode", "end")))
            elif op == "fail":
                self.failures.append({"path": action.get("path", "/"), "watch": action.get("watch"),
                                      "status": int(action.get("status", 500)),
                                      "count": int(action.get("count", 1))})
            elif op == "set_tokens":
                self.tokens = set(action.get("tokens", []))
            else:
                raise ValueError(f"unknown op {op!r}")
            self.cond.notify_all()
            return self.rv

    def _put(self, plural, obj, op):
        group, version, _, kind, namespaced, _ = BY_PLURAL[plural]
        obj = copy.deepcopy(obj)
        obj.setdefault("apiVersion", api_version_of(group, version))
        obj.setdefault("kind", kind)
        md = obj.setdefault("metadata", {})
        if namespaced:
            md.setdefault("namespace", "default")
        key = self.key_of(obj)
        old = self.objects[plural].get(key)
        if op == "modify" and old is None:
            raise ValueError(f"modify of missing {plural} {key}")
        if op == "add" and old is not None:
            raise ValueError(f"add of existing {plural} {key}")
        apply_defaults(plural, obj)
        md.setdefault("uid", old["metadata"]["uid"] if old else str(uuid.uuid4()))
        md.setdefault("creationTimestamp",
                      old["metadata"]["creationTimestamp"] if old else "2025-01-01T00:00:00Z")
        md["resourceVersion"] = str(self._next_rv())
        self.objects[plural][key] = obj
        self.history.append((self.rv, plural, "ADDED" if old is None else "MODIFIED", obj))
        self.timeline.append(("event", self.history[-1]))

    def _delete(self, plural, namespace, name):
        key = (namespace, name)
        old = self.objects[plural].pop(key, None)
        if old is None:
            raise ValueError(f"delete of missing {plural} {key}")
        obj = copy.deepcopy(old)
        obj["metadata"]["resourceVersion"] = str(self._next_rv())
        self.history.append((self.rv, plural, "DELETED", obj))
        self.timeline.append(("event", self.history[-1]))

    # --- reads ----------------------------------------------------------

    def snapshot(self, plural, rv):
        """The objects of a resource as they were at resourceVersion rv."""
        if rv < self.compacted:
            raise Gone(f"too old resource version: {rv} ({self.compacted})")
        if rv >= self.rv:
            return dict(self.objects[plural])
        objs = {}
        for erv, p, typ, obj in self.history:
            if erv > rv:
                break
            if p != plural:
                continue
            if typ == "DELETED":
                objs.pop(self.key_of(obj), None)
            else:
                objs[self.key_of(obj)] = obj
        return objs

    def take_failure(self, path, is_watch):
        with self.cond:
            for f in self.failures:
                if path.startswith(f["path"]) and (f["watch"] is None or bool(f["watch"]) == is_watch):
                    f["count"] -= 1
                    if f["count"] <= 0:
                        self.failures.remove(f)
                    return f["status"]
        return None


# --- what the real API server fills in --------------------------------------

def apply_defaults(plural, obj):
    """Defaults and admission the real API server applies on every write, so
    clients see objects as a cluster serves them."""
    md = obj["metadata"]
    if plural == "namespaces":
        # NamespaceDefaultLabelName (GA in 1.22): always set, always the name.
        md.setdefault("labels", {})["kubernetes.io/metadata.name"] = md.get("name", "")
    elif plural == "pods":
        spec = obj.setdefault("spec", {})
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            for port in c.get("ports", []):
                port.setdefault("protocol", "TCP")
                # A host-network pod's ports are the node's.
                if spec.get("hostNetwork"):
                    port.setdefault("hostPort", port.get("containerPort"))


# --- selectors ---------------------------------------------------------

def parse_selector(text):
    """Equality-based selectors: a=b, a==b, a!=b, comma separated."""
    terms = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        if "!=" in part:
            k, v = part.split("!=", 1)
            terms.append((k.strip(), v.strip(), False))
        elif "==" in part:
            k, v = part.split("==", 1)
            terms.append((k.strip(), v.strip(), True))
        elif "=" in part:
            k, v = part.split("=", 1)
            terms.append((k.strip(), v.strip(), True))
        else:
            raise ValueError(f"unsupported selector term {part!r}")
    return terms


def field_value(obj, path):
    cur = obj
    for step in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(step)
    return "" if cur is None else str(cur)


def matches(obj, labels, fields):
    obj_labels = obj.get("metadata", {}).get("labels") or {}
    for k, v, eq in labels:
        if (obj_labels.get(k) == v) != eq:
            return False
    for k, v, eq in fields:
        if (field_value(obj, k) == v) != eq:
            return False
    return True


# --- HTTP ------------------------------------------------------------------

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client hanging up mid-stream is normal for a watch server.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError, OSError)):
            super().handle_error(request, client_address)


class DropConnection(Exception):
    pass


class ApiHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "flows-fake-apiserver"
    state = None  # set by main
    ssl_ctx = None

    def setup(self):
        if self.ssl_ctx is not None:
            # The handshake runs on this connection's thread, not the
            # accept loop, so a stuck client cannot stall the server.
            self.request.settimeout(10)
            self.request = self.ssl_ctx.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_APISERVER_VERBOSE"):
            sys.stderr.write("fake-apiserver: " + (fmt % args) + "\n")

    # --- replies ---

    def send_json(self, code, body, content_type="application/json"):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_status(self, code, reason, message):
        self.send_json(code, status_body(code, reason, message))

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    # --- dispatch ---

    def authorized(self):
        st = self.state
        if not st.tokens:
            return True
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:].strip() in st.tokens:
            return True
        if self.ssl_ctx is not None and hasattr(self.request, "getpeercert"):
            return bool(self.request.getpeercert())  # verified against --client-ca
        return False

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        st = self.state
        peer_cert = bool(self.ssl_ctx is not None and self.request.getpeercert())
        with st.cond:
            st.requests.append({"method": "GET", "path": url.path, "query": query,
                                "authorization": self.headers.get("Authorization"),
                                "client_cert": peer_cert,
                                "accept": self.headers.get("Accept"),
                                "user_agent": self.headers.get("User-Agent")})
        if not self.authorized():
            return self.send_status(401, "Unauthorized", "Unauthorized")
        is_watch = query.get("watch", "").lower() in ("1", "true")
        failure = st.take_failure(url.path, is_watch)
        if failure is not None:
            if failure == 0:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            reason = {410: "Expired", 404: "NotFound", 500: "InternalError",
                      503: "ServiceUnavailable", 429: "TooManyRequests"}.get(failure, "Unknown")
            return self.send_status(failure, reason, f"injected failure {failure}")
        try:
            self.route(url.path, query, is_watch)
        except (BrokenPipeError, ConnectionResetError, DropConnection):
            self.close_connection = True

    def route(self, path, query, is_watch):
        parts = [p for p in path.split("/") if p]
        if parts == ["version"]:
            return self.send_json(200, SERVER_VERSION)
        if parts == ["api"]:
            return self.send_json(200, {
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                "serverAddress": f"127.0.0.1:{self.server.server_port}"}]})
        if parts == ["apis"]:
            groups = sorted({(g, v) for g, v, *_ in RESOURCES if g})
            return self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                 "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for g, v in groups]})
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self.send_status(404, "NotFound", f"the server could not find the requested resource ({path})")
        if not rest:
            return self.send_discovery(group, version)
        namespace = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            namespace, rest = rest[1], rest[2:]
        if not rest or rest[0] not in BY_PLURAL or BY_PLURAL[rest[0]][:2] != (group, version) or len(rest) > 2:
            return self.send_status(404, "NotFound", f"the server could not find the requested resource ({path})")
        plural = rest[0]
        if len(rest) == 2:
            return self.send_one(plural, namespace or "", rest[1])
        try:
            labels = parse_selector(query.get("labelSelector"))
            fields = parse_selector(query.get("fieldSelector"))
        except ValueError as e:
            return self.send_status(400, "BadRequest", str(e))
        if is_watch:
            return self.watch(plural, namespace, labels, fields, query)
        return self.list(plural, namespace, labels, fields, query)

    def send_discovery(self, group, version):
        resources = []
        for g, v, plural, kind, namespaced, short in RESOURCES:
            if (g, v) != (group, version):
                continue
            r = {"name": plural, "singularName": kind.lower(), "namespaced": namespaced,
                 "kind": kind, "verbs": VERBS}
            if short:
                r["shortNames"] = short
            if plural in ("pods", "services"):
                r["categories"] = ["all"]
            resources.append(r)
        if not resources:
            return self.send_status(404, "NotFound", "no such group/version")
        self.send_json(200, {"kind": "APIResourceList", "apiVersion": "v1",
                             "groupVersion": api_version_of(group, version), "resources": resources})

    def send_one(self, plural, namespace, name):
        st = self.state
        with st.cond:
            obj = st.objects[plural].get((namespace, name))
            body = copy.deepcopy(obj) if obj is not None else None
        if body is None:
            return self.send_status(404, "NotFound", f'{plural} "{name}" not found')
        self.send_json(200, body)

    # --- list ---

    def list(self, plural, namespace, labels, fields, query):
        st = self.state
        group, version, _, kind, _, _ = BY_PLURAL[plural]
        limit = int(query.get("limit") or 0)
        start_after = None
        with st.cond:
            try:
                if query.get("continue"):
                    try:
                        token = json.loads(base64.urlsafe_b64decode(query["continue"]))
                        at, start_after = int(token["rv"]), tuple(token["start"])
                    except (ValueError, KeyError, TypeError):
                        return self.send_status(400, "BadRequest", "invalid continue token")
                    if at < st.compacted:
                        raise Gone("The provided continue parameter is too old to display a consistent "
                                   "list result. You can start a new list without the continue parameter.")
                elif query.get("resourceVersionMatch") == "Exact" and query.get("resourceVersion"):
                    at = int(query["resourceVersion"])
                else:
                    # "", "0" and NotOlderThan all read the newest state here.
                    at = st.rv
                objs = st.snapshot(plural, at)
            except Gone as e:
                return self.send_status(410, "Expired", str(e))
            except ValueError:
                return self.send_status(400, "BadRequest", "invalid resourceVersion")
            keys = sorted(k for k, o in objs.items()
                          if (namespace is None or k[0] == namespace) and matches(o, labels, fields))
            if start_after is not None:
                keys = [k for k in keys if k > start_after]
            page = keys[:limit] if limit > 0 else keys
            items = [copy.deepcopy(objs[k]) for k in page]
        for item in items:
            # Lists omit each item's kind and apiVersion, as the real server does.
            item.pop("kind", None)
            item.pop("apiVersion", None)
        md = {"resourceVersion": str(at)}
        if limit > 0 and len(keys) > limit:
            token = {"rv": at, "start": list(page[-1])}
            md["continue"] = base64.urlsafe_b64encode(json.dumps(token).encode()).decode()
            md["remainingItemCount"] = len(keys) - limit
        self.send_json(200, {"kind": kind + "List", "apiVersion": api_version_of(group, version),
                             "metadata": md, "items": items})

    # --- watch ---

    def watch(self, plural, namespace, labels, fields, query):
        st = self.state
        group, version, _, kind, _, _ = BY_PLURAL[plural]
        bookmarks_ok = query.get("allowWatchBookmarks", "").lower() in ("1", "true")
        timeout = float(query.get("timeoutSeconds") or 0) or None
        deadline = time.monotonic() + timeout if timeout else None
        rv_text = query.get("resourceVersion", "")

        def visible(obj):
            return (namespace is None or obj["metadata"].get("namespace") == namespace) and \
                matches(obj, labels, fields)

        pending = []
        with st.cond:
            try:
                from_rv = int(rv_text) if rv_text not in ("", "0") else None
            except ValueError:
                return self.send_status(400, "BadRequest", "invalid resourceVersion")
            gone = from_rv is not None and from_rv < st.compacted
            if from_rv is None:
                # No resourceVersion: the current state as synthetic ADDED
                # events, then changes.
                for k in sorted(st.objects[plural]):
                    if visible(st.objects[plural][k]):
                        pending.append(("ADDED", st.objects[plural][k]))
                from_rv = st.rv
            else:
                pending.extend(self.events_since(plural, from_rv, visible))
            next_index = len(st.timeline)
            if not gone:
                st.watchers[plural] += 1
                st.cond.notify_all()

        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if gone:
            # What the real server's watch cache does: 200, then one ERROR.
            self.send_event("ERROR", status_body(410, "Expired",
                                                 f"too old resource version: {from_rv} ({st.compacted})"))
            return self.end_stream()
        try:
            for typ, obj in pending:
                self.send_event(typ, obj)
            while True:
                with st.cond:
                    while len(st.timeline) == next_index:
                        left = None if deadline is None else deadline - time.monotonic()
                        if left is not None and left <= 0:
                            break
                        st.cond.wait(timeout=min(left, 0.2) if left is not None else 0.2)
                        if self.client_gone():
                            raise DropConnection()
                    new = st.timeline[next_index:]
                    next_index = len(st.timeline)
                    expired = deadline is not None and time.monotonic() >= deadline
                for entry in new:
                    if entry[0] == "event":
                        _, p, typ, obj = entry[1]
                        if p == plural:
                            for out in self.translate(plural, typ, obj, visible):
                                self.send_event(*out)
                    elif entry[1 if entry[0] == "bookmark" else 2] not in (None, plural):
                        continue
                    elif entry[0] == "bookmark":
                        if bookmarks_ok:
                            self.send_event("BOOKMARK", {"kind": kind, "apiVersion": api_version_of(group, version),
                                                         "metadata": {"resourceVersion": str(entry[2])}})
                    elif entry[1] == "gone":
                        self.send_event("ERROR", status_body(410, "Expired", "too old resource version"))
                        return self.end_stream()
                    elif entry[3] == "abort":
                        raise DropConnection()
                    else:
                        return self.end_stream()
                if expired:
                    return self.end_stream()
        except DropConnection:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        finally:
            with st.cond:
                st.watchers[plural] -= 1
                st.cond.notify_all()

    def client_gone(self):
        """A watch client sends nothing after its request, so a readable
        socket means it hung up: stop counting it as a watcher, as the real
        server does when the request's context ends."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def events_since(self, plural, from_rv, visible):
        st = self.state
        out = []
        for erv, p, typ, obj in st.history:
            if erv > from_rv and p == plural:
                out.extend(self.translate(plural, typ, obj, visible))
        return out

    def translate(self, plural, typ, obj, visible):
        """With a selector, an object that starts or stops matching is seen
        as ADDED or DELETED, as the real server reports it."""
        if typ != "MODIFIED":
            return [(typ, obj)] if visible(obj) else []
        prev = self.previous_version(plural, obj)
        now, before = visible(obj), prev is not None and visible(prev)
        if now and before:
            return [("MODIFIED", obj)]
        if now:
            return [("ADDED", obj)]
        if before:
            return [("DELETED", obj)]
        return []

    def previous_version(self, plural, obj):
        st = self.state
        key, rv = State.key_of(obj), int(obj["metadata"]["resourceVersion"])
        prev = None
        with st.cond:
            for erv, p, typ, o in st.history:
                if erv >= rv:
                    break
                if p == plural and State.key_of(o) == key:
                    prev = None if typ == "DELETED" else o
        return prev

    def send_event(self, typ, obj):
        self.write_chunk(json.dumps({"type": typ, "object": obj}).encode() + b"\n")

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class ControlHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        st = self.state
        with st.cond:
            if self.path == "/_fake/requests":
                return self.reply(200, st.requests)
            if self.path == "/_fake/watchers":
                return self.reply(200, st.watchers)
            if self.path == "/_fake/state":
                return self.reply(200, {"resourceVersion": str(st.rv), "compacted": str(st.compacted)})
        self.reply(404, {"error": "no such control path"})

    def do_POST(self):
        st = self.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_fake/requests/clear":
            with st.cond:
                st.requests.clear()
            return self.reply(200, {})
        if self.path != "/_fake/actions":
            return self.reply(404, {"error": "no such control path"})
        try:
            actions = json.loads(body or b"[]")
            if isinstance(actions, dict):
                actions = [actions]
            rv = None
            for a in actions:
                rv = run_action(st, a)
        except (ValueError, KeyError, TypeError) as e:
            return self.reply(400, {"error": str(e)})
        self.reply(200, {"resourceVersion": str(rv if rv is not None else st.rv)})


def run_action(state, action):
    op = action.get("op")
    if op == "sleep":
        time.sleep(float(action.get("seconds", 0)))
        return None
    if op == "wait_watchers":
        deadline = time.monotonic() + float(action.get("timeout", 30))
        with state.cond:
            while state.watchers[action["resource"]] < int(action.get("count", 1)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ValueError(f"timed out waiting for watchers of {action['resource']}")
                state.cond.wait(timeout=left)
        return None
    return state.apply(action)


# --- certificates -------------------------------------------------------------

def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_certs(directory):
    """A CA, a server certificate for 127.0.0.1/localhost and a client
    certificate, all EC P-256 (fast to generate), signed by that CA."""
    os.makedirs(directory, exist_ok=True)
    p = lambda name: os.path.join(directory, name)  # noqa: E731
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", p("ca.key"), "-out", p("ca.crt"), "-days", "2",
            "-subj", "/CN=flows-fake-ca")
    for name, cn, ext in (("server", "127.0.0.1",
                           "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
                          ("client", "flows-test-client", "extendedKeyUsage=clientAuth\n")):
        openssl("req", "-new", *ec, "-keyout", p(name + ".key"), "-out", p(name + ".csr"), "-subj", "/CN=" + cn)
        with open(p(name + ".ext"), "w") as f:
            f.write(ext)
        openssl("x509", "-req", "-in", p(name + ".csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
                "-CAcreateserial", "-out", p(name + ".crt"), "-days", "2", "-extfile", p(name + ".ext"))
    return p("ca.crt"), p("server.crt"), p("server.key"), p("client.crt"), p("client.key")


# --- main ---------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--address", default="127.0.0.1",
                    help="address the API listens on (the control listener stays on 127.0.0.1)")
    ap.add_argument("--port", type=int, default=0, help="0: chosen by the OS")
    ap.add_argument("--control-port", type=int, default=0)
    ap.add_argument("--port-file", help="where to write the JSON line with the ports")
    ap.add_argument("--tls-dir", help="serve HTTPS with certificates made in this directory")
    ap.add_argument("--token", action="append", default=[], help="accepted bearer token (repeatable)")
    ap.add_argument("--state", help="JSON file: {\"pods\": [...], \"services\": [...], ...} at start")
    ap.add_argument("--script", help="JSON file: a list of actions run in order after start")
    args = ap.parse_args()

    state = State()
    state.tokens = set(args.token)
    if args.state:
        with open(args.state) as f:
            initial = json.load(f)
        for plural, objs in initial.items():
            for obj in objs:
                state.apply({"op": "add", "resource": plural, "object": obj})

    ApiHandler.state = state
    ControlHandler.state = state
    info = {"ca": None, "client_cert": None, "client_key": None}
    if args.tls_dir:
        ca, crt, key, client_crt, client_key = make_certs(args.tls_dir)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        ctx.load_verify_locations(ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL  # a client certificate authenticates like a token
        ApiHandler.ssl_ctx = ctx
        info.update(ca=ca, client_cert=client_crt, client_key=client_key)

    api = Server((args.address, args.port), ApiHandler)
    control = Server(("127.0.0.1", args.control_port), ControlHandler)
    info.update(port=api.server_port, control_port=control.server_port,
                scheme="https" if args.tls_dir else "http")
    for srv in (api, control):
        threading.Thread(target=srv.serve_forever, daemon=True).start()

    if args.script:
        with open(args.script) as f:
            script = json.load(f)

        def run_script():
            for action in script:
                try:
                    run_action(state, action)
                except (ValueError, KeyError) as e:
                    sys.stderr.write(f"fake-apiserver: script action {action}: {e}\n")
        threading.Thread(target=run_script, daemon=True).start()

    line = json.dumps(info)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(line + "\n")
        os.rename(tmp, args.port_file)  # readers never see half a file
    print(line, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
