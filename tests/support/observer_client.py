#!/usr/bin/python3
"""A second, independent client of the Observer API, for the tests: Debian's
grpcio and protobuf (run it with /usr/bin/python3), message classes generated
by protoc from our api/proto/ files at first use, and grpcio's generic calls by
method name -- no code of ours on the client side, so a test that passes
proves the server speaks the protocol, not that two halves of our code agree.

  observer_client.py --server unix:///run/flows/observer.sock flows [--last N]
      [--first] [--follow --duration S] [--whitelist JSON] [--blacklist JSON]
  observer_client.py --server host:port status|nodes|namespaces

Output: one JSON object per line (protobuf's JSON mapping, camelCase field
names, as Hubble's jsonpb prints them). Exit 1 with the gRPC status on error.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.join(HERE, "..", "..", "api", "proto")
PROTOS = ["flow/flow.proto", "relay/relay.proto", "observer/observer.proto", "peer/peer.proto"]


def load_messages():
    """protoc --python_out into a cache dir keyed by the protos' contents."""
    digest = hashlib.sha256()
    for p in PROTOS:
        with open(os.path.join(PROTO_ROOT, p), "rb") as f:
            digest.update(f.read())
    out = os.path.join(tempfile.gettempdir(), "flows-pyproto-" + digest.hexdigest()[:16])
    if not os.path.exists(os.path.join(out, "done")):
        tmp = tempfile.mkdtemp(prefix="flows-pyproto-")
        subprocess.run(["protoc", "-I", PROTO_ROOT, "--python_out", tmp] + PROTOS, check=True)
        open(os.path.join(tmp, "done"), "w").close()
        try:
            os.rename(tmp, out)
        except OSError:  # another process won the race; theirs is identical
            pass
    sys.path.insert(0, out)
    from observer import observer_pb2  # noqa: E402
    return observer_pb2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True, help="unix:///path or host:port")
    ap.add_argument("--timeout", type=float, default=10.0)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("flows")
    f.add_argument("--last", type=int, default=0)
    f.add_argument("--first", action="store_true")
    f.add_argument("--follow", action="store_true")
    f.add_argument("--duration", type=float, default=0, help="follow: stop after S seconds")
    f.add_argument("--whitelist", default="[]", help="JSON list of FlowFilter objects")
    f.add_argument("--blacklist", default="[]")
    for name in ("status", "nodes", "namespaces"):
        sub.add_parser(name)
    args = ap.parse_args()

    import grpc
    from google.protobuf import json_format
    pb = load_messages()
    channel = grpc.insecure_channel(args.server)

    def unary(method, request, response_type):
        call = channel.unary_unary("/observer.Observer/" + method,
                                   request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=response_type.FromString)
        return call(request, timeout=args.timeout)

    def emit(msg):
        print(json.dumps(json_format.MessageToDict(msg), sort_keys=True), flush=True)

    try:
        if args.cmd == "status":
            emit(unary("ServerStatus", pb.ServerStatusRequest(), pb.ServerStatusResponse))
        elif args.cmd == "nodes":
            emit(unary("GetNodes", pb.GetNodesRequest(), pb.GetNodesResponse))
        elif args.cmd == "namespaces":
            emit(unary("GetNamespaces", pb.GetNamespacesRequest(), pb.GetNamespacesResponse))
        else:
            req = pb.GetFlowsRequest(number=args.last, first=args.first, follow=args.follow)
            for filt in json.loads(args.whitelist):
                json_format.ParseDict(filt, req.whitelist.add())
            for filt in json.loads(args.blacklist):
                json_format.ParseDict(filt, req.blacklist.add())
            call = channel.unary_stream("/observer.Observer/GetFlows",
                                        request_serializer=lambda m: m.SerializeToString(),
                                        response_deserializer=pb.GetFlowsResponse.FromString)
            timeout = args.duration if args.follow and args.duration else args.timeout
            try:
                for resp in call(req, timeout=timeout):
                    emit(resp)
            except grpc.RpcError as e:
                # follow --duration ends by deadline: that is the normal end
                if not (args.follow and e.code() == grpc.StatusCode.DEADLINE_EXCEEDED):
                    raise
    except grpc.RpcError as e:
        sys.stderr.write(f"observer_client: {e.code().name}: {e.details()}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
