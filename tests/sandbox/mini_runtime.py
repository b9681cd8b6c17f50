#!/usr/bin/env python3
"""A minimal CNI runtime for the tests, the sandbox cluster and the demo: runs a conflist's plugins the
way libcni does, so flows-cni is exercised exactly as in a cluster.

  mini_runtime.py ADD|DEL|CHECK|GC|STATUS <conflist> <state dir> [--no-prev-result]
                  [--valid <containerID>/<ifname>,...]

Container id, netns, ifname and CNI_ARGS come from the environment
(RT_CONTAINERID, RT_NETNS, RT_IFNAME, RT_ARGS); CNI_PATH from RT_CNI_PATH.

ADD runs the plugins in order; each one's config is its entry in "plugins"
plus the list's "name" and "cniVersion", and (from the second on) the
previous plugin's result as "prevResult". The final result is cached in the
state dir, as libcni caches it, and printed. CHECK runs in order and DEL in
reverse, both with the cached result as prevResult (unless
--no-prev-result: a runtime that lost its cache). Every plugin's stdin,
stdout, stderr, exit code and run time are kept in the state dir as
<n>-<type>-<command>.{in,out,err,rc,ms} for the test to inspect.

Spec 1.1.0: a conflist's "cniVersions" list is negotiated as libcni does
(the newest version this runtime speaks wins over "cniVersion"); GC and
STATUS go only to plugins whose config version is 1.1.0 or later (libcni
skips older ones). GC runs in order with "cni.dev/valid-attachments" from
--valid (empty without it) and no container environment; STATUS likewise
without the list.

One deliberate departure from libcni, for plugins older than the list's
version: a plugin entry may carry its own "cniVersion" (libcni would
overwrite it). The tests use it to run Debian's bridge (spec 1.0.0 at most)
at 1.0.0 in front of a flows-cni at 1.1.0, standing in for a bridge new
enough to speak 1.1.0; the bridge's result is handed on re-stamped with the
next plugin's version, as a result of that version (same shape) would be.
"""
import json
import os
import subprocess
import sys
import time


RUNTIME_VERSIONS = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]


def version_key(v):
    try:
        return tuple(int(x) for x in v.split("."))
    except ValueError:
        return (-1,)


def run_plugin(index, conf, command, state):
    env = {
        "CNI_COMMAND": command,
        "CNI_PATH": os.environ["RT_CNI_PATH"],
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    }
    if command not in ("GC", "STATUS"):  # the spec's per-attachment environment
        env.update({
            "CNI_CONTAINERID": os.environ["RT_CONTAINERID"],
            "CNI_NETNS": os.environ.get("RT_NETNS", ""),
            "CNI_IFNAME": os.environ.get("RT_IFNAME", "eth0"),
            "CNI_ARGS": os.environ.get("RT_ARGS", ""),
        })
    binary = None
    for d in env["CNI_PATH"].split(":"):
        if os.access(os.path.join(d, conf["type"]), os.X_OK):
            binary = os.path.join(d, conf["type"])
            break
    if binary is None:
        sys.exit(f"mini_runtime: plugin {conf['type']} not found in {env['CNI_PATH']}")
    stdin = json.dumps(conf).encode()
    base = os.path.join(state, f"{index}-{conf['type']}-{command}")
    start = time.monotonic()
    p = subprocess.run([binary], input=stdin, env=env, capture_output=True, timeout=60)
    ms = int((time.monotonic() - start) * 1000)
    for ext, data in (("in", stdin), ("out", p.stdout), ("err", p.stderr),
                      ("rc", str(p.returncode).encode()), ("ms", str(ms).encode())):
        with open(f"{base}.{ext}", "wb") as f:
            f.write(data)
    if p.returncode != 0:
        sys.stdout.buffer.write(p.stdout)
        sys.exit(f"mini_runtime: {conf['type']} {command} failed with {p.returncode}")
    return p.stdout


def main():
    command, conflist_path, state = sys.argv[1:4]
    extra = sys.argv[4:]
    use_prev = "--no-prev-result" not in extra
    valid = []
    if "--valid" in extra:
        spec = extra[extra.index("--valid") + 1]
        for item in filter(None, spec.split(",")):
            cid, _, ifname = item.partition("/")
            valid.append({"containerID": cid, "ifname": ifname or "eth0"})
    with open(conflist_path) as f:
        conflist = json.load(f)
    version = conflist.get("cniVersion")
    listed = [v for v in conflist.get("cniVersions", []) if v in RUNTIME_VERSIONS]
    if listed:
        version = max(listed, key=version_key)
    os.makedirs(state, exist_ok=True)
    cache = os.path.join(state, "result.json")
    plugins = []
    for p in conflist["plugins"]:
        conf = dict(p)
        conf["name"] = conflist["name"]
        conf.setdefault("cniVersion", version)  # see the note on departures above
        plugins.append(conf)

    if command in ("GC", "STATUS"):
        for i, conf in enumerate(plugins):
            if version_key(conf["cniVersion"]) < version_key("1.1.0"):
                continue
            if command == "GC":
                conf["cni.dev/valid-attachments"] = valid
                conf["cni.dev/attachments"] = valid  # libcni writes both spellings
            run_plugin(i, conf, command, state)
        return

    if command == "ADD":
        prev = None
        for i, conf in enumerate(plugins):
            if prev is not None:
                prev = dict(prev)
                prev["cniVersion"] = conf["cniVersion"]
                conf["prevResult"] = prev
            out = run_plugin(i, conf, "ADD", state)
            prev = json.loads(out)
        with open(cache, "w") as f:
            json.dump(prev, f)
        print(json.dumps(prev))
        return
    cached = None
    if use_prev and os.path.exists(cache):
        with open(cache) as f:
            cached = json.load(f)
    order = list(enumerate(plugins))
    if command == "DEL":
        order.reverse()
    for i, conf in order:
        if cached is not None:
            prev = dict(cached)
            prev["cniVersion"] = conf["cniVersion"]
            conf["prevResult"] = prev
        run_plugin(i, conf, command, state)
    if command == "DEL" and os.path.exists(cache):
        os.remove(cache)


if __name__ == "__main__":
    main()
