{{- define "vanthu.labels" -}}
app.kubernetes.io/name: vanthu
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "vanthu.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
