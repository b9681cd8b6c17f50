{{/*
flowd's command line, one "--flag=value" per item. Every flag is one of
flowd's own (flowd/daemon/src/daemon_options.cc); tests/charts checks them
against the built binary's --help and against the sandbox cluster's command
line (tests/sandbox/cluster.sh).
*/}}
{{- define "flows.flowdArgs" -}}
{{- $v := .Values -}}
{{- $tlsDir := include "flows.tlsDir" . -}}
- --node-name=$(NODE_NAME)
- --socket-path={{ $v.flowd.runDir }}/observer.sock
- --cni-socket={{ $v.flowd.runDir }}/cni.sock
- --state-dir={{ $v.flowd.stateDir }}
- --pin-root={{ $v.flowd.pinRoot }}
- --listen-address=:{{ $v.flowd.port }}
- --metrics-address=:{{ $v.metrics.port }}
- --metrics-prefix={{ $v.metrics.prefix }}
- --metrics-series-budget={{ $v.metrics.seriesBudget }}
{{- with include "flows.metricsContext" . }}
- {{ printf "--metrics-context=%s" . | quote }}
{{- end }}
- --kubernetes=in-cluster
- --cluster-name={{ $v.clusterName }}
- {{ printf "--peer-pods=%s" (include "flows.flowdPeerPods" .) | quote }}
- --node-nic={{ $v.flowd.nodeNic }}
{{- if not $v.flowd.xdp }}
- --no-xdp
{{- end }}
{{- range $v.flowd.dnsPorts }}
- --dns-port={{ . }}
{{- end }}
- --store-capacity={{ $v.flowd.storeCapacity }}
- --log-level={{ $v.flowd.logLevel }}
{{- if $v.tls.enabled }}
- --tls-cert-file={{ $tlsDir }}/server/tls.crt
- --tls-key-file={{ $tlsDir }}/server/tls.key
- --tls-client-ca-files={{ $tlsDir }}/server/ca.crt
{{- end }}
{{- range $v.flowd.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end -}}
