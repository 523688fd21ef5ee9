package stage

import (
	"sort"

	"github.com/vanthu/vanthu/internal/events"
)

// Def is one stage of the contract: its one name (the function's folder
// functions/<Name>, `vanthu function <Name>`, the Knative Service
// vanthu-<Name>, its metrics and readiness), the event it takes and the one
// it emits, the artifact it writes and the call it makes.
type Def struct {
	Name     string
	Takes    string // event type that triggers it ("" for HTTP or a timer)
	Emits    string // event type it replies with ("" when it ends a walk)
	Artifact string // vanthu/<Artifact>/KEY@ETAG.json ("" for none)
	Version  int    // the artifact's format version
	Call     string // what it runs
}

// Contract is the walk of a document, in order: upload → read → extract
// → index and register. The in-process dispatcher (vanthu serve) is wired
// from it, and the chart's Triggers and every func.yaml are tested
// against it.
var Contract = []Def{
	{Name: "ingest", Emits: events.TypeUploaded, Call: "MinIO's bucket notification → one event per uploaded object"},
	{Name: "ocr", Takes: events.TypeUploaded, Emits: events.TypeRead, Artifact: PagesStage, Version: 1, Call: "pipelines.Pipeline.ReadFile"},
	{Name: "extract", Takes: events.TypeRead, Emits: events.TypeExtracted, Artifact: RecordsStage, Version: 1, Call: "pipelines.Pipeline.Extract"},
	{Name: "index", Takes: events.TypeExtracted, Artifact: IndexedStage, Version: 1, Call: "search.Indexer.Index"},
	{Name: "register", Takes: events.TypeExtracted, Artifact: RegisteredStage, Version: 1, Call: "records.Store.Record"},
	{Name: "reconcile", Emits: events.TypeUploaded, Artifact: AttemptsStage, Version: 1, Call: "uploads missing a terminal marker sent on again"},
	// Citizen feedback over Zalo: the webhook (served by this function and
	// by vanthu serve) keeps each event in the inbox and emits it.
	{Name: "feedback", Takes: events.TypeFeedback, Artifact: FeedbackDone, Version: 1, Call: "records.Store.ReceiveMessage, feedback.Router.Route"},
}

// Triggered are the stages an event triggers, in the contract's order.
func Triggered() []Def {
	var out []Def
	for _, d := range Contract {
		if d.Takes != "" {
			out = append(out, d)
		}
	}
	return out
}

// Routes is, per event type, the stages it triggers, names sorted.
func Routes() map[string][]string {
	out := map[string][]string{}
	for _, d := range Triggered() {
		out[d.Takes] = append(out[d.Takes], d.Name)
	}
	for _, names := range out {
		sort.Strings(names)
	}
	return out
}

// ByName is a stage's definition.
func ByName(name string) (Def, bool) {
	for _, d := range Contract {
		if d.Name == name {
			return d, true
		}
	}
	return Def{}, false
}

// After are the stages downstream of name in the walk: those its event
// triggers, and theirs, in the contract's order.
func After(name string) []Def {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		d, ok := ByName(n)
		if !ok || d.Emits == "" {
			return
		}
		for _, t := range Triggered() {
			if t.Takes == d.Emits && !seen[t.Name] {
				seen[t.Name] = true
				walk(t.Name)
			}
		}
	}
	walk(name)
	var out []Def
	for _, d := range Contract {
		if seen[d.Name] {
			out = append(out, d)
		}
	}
	return out
}

// FeedbackDone names the feedback stage's markers (vanthu/feedback/done/...).
const FeedbackDone = "feedback/done"

// Versioned are the stages whose artifact is an input of the stages
// after them (read, extract): the ones a moved version re-runs.
func Versioned() []Def {
	var out []Def
	for _, d := range Contract {
		if d.Takes != "" && d.Emits != "" && d.Artifact != "" {
			out = append(out, d)
		}
	}
	return out
}
