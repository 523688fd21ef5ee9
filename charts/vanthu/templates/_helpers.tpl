{{- define "vanthu.labels" -}}
app.kubernetes.io/name: vanthu
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "vanthu.image" -}}
{{- if or (eq .name "ocr") (eq .name "feedback") }}{{ .root.Values.images.ocr }}{{ else }}{{ .root.Values.images.static }}{{ end -}}
{{- end -}}
