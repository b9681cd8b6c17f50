{{/* Names and labels shared by every object. */}}

{{- define "flows.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flows.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "flows.labels" (dict "root" $ "component" "flowd") */}}
{{- define "flows.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "flows.selectorLabels" . }}
{{- end -}}

{{- define "flows.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flows.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "flows.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Object names, one place so Services, Secrets and flags agree. */}}
{{- define "flows.flowdName" -}}{{ include "flows.fullname" . }}{{- end -}}
{{- define "flows.relayName" -}}{{ include "flows.fullname" . }}-relay{{- end -}}
{{- define "flows.peerServiceName" -}}{{ include "flows.fullname" . }}-peer{{- end -}}
{{- define "flows.caSecretName" -}}{{ include "flows.fullname" . }}-ca{{- end -}}
{{- define "flows.serverSecretName" -}}{{ include "flows.fullname" . }}-server-certs{{- end -}}
{{- define "flows.relayClientSecretName" -}}{{ include "flows.fullname" . }}-relay-client-certs{{- end -}}
{{- define "flows.relayServerSecretName" -}}{{ include "flows.fullname" . }}-relay-server-certs{{- end -}}

{{/* The name flowd's certificate carries and the relay verifies. */}}
{{- define "flows.tlsServerName" -}}
{{- default (printf "%s.%s.flows-grpc" (include "flows.fullname" .) .Release.Namespace) .Values.tls.serverName -}}
{{- end -}}

{{/*
The name every node's certificate covers: each flowd is announced to relays
as <node>.<clusterName>.flows-grpc (flowd --cluster-name), one wildcard for
all of them.
*/}}
{{- define "flows.tlsNodeWildcard" -}}
{{- printf "*.%s.flows-grpc" .Values.clusterName -}}
{{- end -}}

{{/* flowd's pods as flowd --peer-pods selects them: "<namespace>/k=v,...". */}}
{{- define "flows.flowdPeerPods" -}}
{{- $labels := include "flows.selectorLabels" (dict "root" . "component" "flowd") | fromYaml -}}
{{- $terms := list -}}
{{- range $k, $v := $labels }}{{ $terms = append $terms (printf "%s=%s" $k $v) }}{{ end -}}
{{- printf "%s/%s" .Release.Namespace (join "," $terms) -}}
{{- end -}}

{{/* The relay's peer discovery: every ready flowd behind the headless Service. */}}
{{- define "flows.peerDns" -}}
{{- printf "%s.%s.svc.%s:%d" (include "flows.peerServiceName" .) .Release.Namespace .Values.clusterDomain (int .Values.flowd.port) -}}
{{- end -}}

{{/*
Hubble's metrics list ("http:sourceContext=pod;destinationContext=namespace")
as flowd's --metrics-context ("http:source=pod,destination=namespace;...").
The schema already refused what flowd cannot do; entries without options
add nothing (flowd exports every family anyway), nor does drop, which has no
family (flowd sees no drops; flowd refuses contexts for unknown metrics).
*/}}
{{- define "flows.metricsContext" -}}
{{- $names := dict "flow" "flows_processed" "httpV2" "http" -}}
{{- $keys := dict "sourceContext" "source" "destinationContext" "destination" -}}
{{- $out := list -}}
{{- range .Values.metrics.enabled -}}
{{- $parts := splitn ":" 2 . -}}
{{- if and $parts._1 (ne $parts._0 "drop") -}}
{{- $kvs := list -}}
{{- range splitList ";" $parts._1 -}}
{{- $kv := splitn "=" 2 . -}}
{{- $kvs = append $kvs (printf "%s=%s" (get $keys $kv._0) $kv._1) -}}
{{- end -}}
{{- $out = append $out (printf "%s:%s" (default $parts._0 (get $names $parts._0)) (join "," $kvs)) -}}
{{- end -}}
{{- end -}}
{{- join ";" $out -}}
{{- end -}}

{{/* In-container paths of the mounted certificates. */}}
{{- define "flows.tlsDir" -}}/var/run/flows-tls{{- end -}}
