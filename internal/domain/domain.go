// Package domain holds the conversions of the extraction record
// (pipelines/doc.Record) into what the other parts keep: one conversion
// each, used by the CLI, the functions and the API alike.
package domain

import (
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// SearchDocument is a record as the search index keeps it: id and agency
// are where it belongs, file the name it came with, secrecy the level it
// is kept under (records.SecrecyOf of its marking — an unreadable marking
// is the highest — or the level a person set), status its place in the
// register.
func SearchDocument(id, agency, file string, rec doc.Record, secrecy, status string) search.Document {
	if file == "" {
		file = rec.File
	}
	return search.Document{ID: id, Agency: agency, Confidentiality: secrecy, File: file,
		DocType: rec.DocType, Number: rec.Number, Symbol: rec.Symbol, Issuer: rec.Issuer, IssuedAt: rec.IssuedAt,
		Subject: rec.Subject, Signer: rec.Signer, Urgency: rec.Urgency, Text: rec.Text, Status: status}
}

// Recorded is a recorded document — people's corrections applied, the
// level and status the register holds — as the search index keeps it,
// under the identity the index stage gives its upload.
func Recorded(d records.Document) search.Document {
	id := stage.DocID(events.Ref{Bucket: d.Bucket, Key: d.Key, ETag: d.ETag})
	return SearchDocument(id, d.Agency, d.File, d.Record, d.Secrecy, d.Status)
}
