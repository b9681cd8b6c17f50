#!/usr/bin/env bash
# Installs what building, testing and the demo need on Debian 12, as root.
# Idempotent and quiet when everything is already there.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ccache pkg-config clang llvm libclang-rt-14-dev
  libbpf-dev bpftool linux-libc-dev libnl-3-dev libnl-route-3-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libspdlog-dev
  clang-format clang-tidy
  # flowd: the Observer API, metrics, the Kubernetes client
  libgrpc++-dev libabsl-dev protobuf-compiler-grpc libprotobuf-dev prometheus-cpp-dev libboost-dev libre2-dev libssl-dev libyaml-cpp-dev
  # run and test: namespaces, real servers and clients, an independent capture
  iproute2 iputils-ping nginx-light dnsmasq-base dnsutils curl iperf3 tshark
  python3 jq procps psmisc unzip graphviz
  # flowd's tests: real CNI plugins, a second gRPC client, a real Prometheus
  containernetworking-plugins python3-grpcio python3-protobuf prometheus
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; we run as root.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# BPF programs pin their maps on bpffs.
if ! mountpoint -q /sys/fs/bpf; then
  mount -t bpf bpf /sys/fs/bpf
fi
