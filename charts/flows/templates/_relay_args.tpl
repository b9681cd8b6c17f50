{{/*
flows-relay's command line, one "--flag=value" per item; every flag is one
of relay/main.cc's (checked by tests/charts against the binary's --help).
*/}}
{{- define "flows.relayArgs" -}}
{{- $v := .Values -}}
{{- $tlsDir := include "flows.tlsDir" . -}}
- --listen-address=:{{ $v.relay.port }}
- --metrics-address=:{{ $v.relay.metricsPort }}
- --peer-dns={{ include "flows.peerDns" . }}
{{- if $v.tls.enabled }}
- --peer-tls-ca={{ $tlsDir }}/client/ca.crt
- --peer-tls-cert={{ $tlsDir }}/client/tls.crt
- --peer-tls-key={{ $tlsDir }}/client/tls.key
- --peer-tls-server-name={{ include "flows.tlsServerName" . }}
{{- if $v.tls.relayServer.enabled }}
- --tls-cert={{ $tlsDir }}/server/tls.crt
- --tls-key={{ $tlsDir }}/server/tls.key
{{- end }}
{{- end }}
{{- range $v.relay.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end -}}
