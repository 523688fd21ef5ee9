// Package functions holds one Knative function per pipeline stage, each a
// thin adapter over pipelines/: ingest (MinIO's webhook to CloudEvents),
// ocr (the read stage), extract (fields and type). The test in this folder
// runs them chained in one process, as `vanthu serve` will.
package functions
