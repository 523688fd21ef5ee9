package api

import (
	"encoding"
	"encoding/json"
	"path"
	"reflect"
	"strings"
	"time"
)

// schemaGen makes the JSON schemas of Go types as encoding/json writes
// them, so that the OpenAPI document says what the handlers send: a named
// struct is described once, under components.schemas by its Go name, and
// referenced everywhere else.
type schemaGen struct {
	defs  map[string]any          // components.schemas
	names map[reflect.Type]string // a named struct → its component
}

func newSchemaGen() *schemaGen {
	return &schemaGen{defs: map[string]any{}, names: map[reflect.Type]string{}}
}

// refiner is a request or response type that adds to its generated schema
// what its Go type cannot say: the enums and bounds a handler enforces, the
// properties of rows built as maps from field lists. It is asked on the
// value a route names (which may carry those lists), so such a schema is
// written in place, not as a component.
type refiner interface{ refineSchema(s map[string]any) }

// bodySchema is the schema of a route's request or response value.
func (g *schemaGen) bodySchema(v any) map[string]any {
	r, ok := v.(refiner)
	if !ok {
		return g.schemaOf(reflect.TypeOf(v))
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := g.inline(t)
	r.refineSchema(s)
	return s
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
)

// schemaOf is t's schema: a $ref for a named struct, the schema itself
// for anything else.
func (g *schemaGen) schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem() // nil is written as null; the API sends none it describes
	}
	if t.Kind() != reflect.Struct || t.Name() == "" || t == timeType || marshals(t) {
		return g.inline(t)
	}
	name, ok := g.names[t]
	if !ok {
		name = t.Name()
		if _, taken := g.defs[name]; taken {
			// Another package's type of the same name: told apart by the package.
			name = path.Base(t.PkgPath()) + "." + name
		}
		g.names[t] = name
		g.defs[name] = map[string]any{} // taken before its fields: a type may hold itself
		g.defs[name] = g.inline(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// implements: t, or a pointer to it, has the method set of iface (what
// encoding/json asks of a value it writes).
func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// marshals: t writes its own JSON, which reflection cannot see.
func marshals(t reflect.Type) bool {
	return implements(t, marshalerType) || implements(t, textType)
}

// inline is t's schema written out (a struct's fields, not a reference).
func (g *schemaGen) inline(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case implements(t, marshalerType):
		return map[string]any{} // its own JSON (json.RawMessage: as it was stored): any value
	case implements(t, textType):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !marshals(t.Elem()) {
			return map[string]any{"type": "string", "contentEncoding": "base64"} // how encoding/json writes []byte
		}
		return map[string]any{"type": "array", "items": g.schemaOf(t.Elem())}
	case reflect.Array:
		return map[string]any{"type": "array", "items": g.schemaOf(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schemaOf(t.Elem())}
	case reflect.Struct:
		return g.structSchema(t)
	}
	// A channel, a function, a complex number: encoding/json refuses them,
	// so a handler sending one is a mistake the tests should see.
	panic("api: no JSON schema for " + t.String())
}

// structSchema is an object of t's JSON fields. A field without
// omitempty is always written, so it is required; nothing else is written
// (additionalProperties: false). A string field may list its values in
// an enum tag: `enum:"open,done"`.
func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, f := range jsonFields(t) {
		s := g.schemaOf(f.typ)
		if f.quoted {
			s = map[string]any{"type": "string"} // the ",string" option writes the value as a JSON string
		}
		if f.enum != "" {
			s["enum"] = strings.Split(f.enum, ",")
		}
		props[f.name] = s
		if !f.optional {
			required = append(required, f.name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

type jsonField struct {
	name     string
	typ      reflect.Type
	optional bool // omitempty or omitzero: may be left out
	quoted   bool // ,string
	depth    int  // of embedding
	tagged   bool // named by its tag
	enum     string
}

// jsonFields are the fields encoding/json writes of struct t, by its
// rules: exported fields under their tag's name, "-" left out, the fields
// of an embedded struct promoted unless it is named by a tag, and of two
// fields of one name the shallower (or, as deep, the only tagged one).
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	var walk func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			ft := sf.Type
			if sf.Anonymous {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft, depth+1, seen)
				continue
			}
			f := jsonField{name: name, typ: sf.Type, depth: depth, tagged: name != "", enum: sf.Tag.Get("enum")}
			if name == "" {
				f.name = sf.Name
			}
			for o := range strings.SplitSeq(opts, ",") {
				switch o {
				case "omitempty", "omitzero":
					f.optional = true
				case "string":
					switch ft.Kind() {
					case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint,
						reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
						f.quoted = true
					}
				}
			}
			all = append(all, f)
		}
	}
	walk(t, 0, map[reflect.Type]bool{})
	byName := map[string][]jsonField{}
	var order []string
	for _, f := range all {
		if byName[f.name] == nil {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	var out []jsonField
	for _, name := range order {
		if f, ok := dominant(byName[name]); ok {
			out = append(out, f)
		}
	}
	return out
}

// dominant is the field encoding/json writes of those sharing a name: the
// shallowest, if it is alone at its depth or the only one tagged there.
func dominant(fs []jsonField) (jsonField, bool) {
	depth := fs[0].depth
	for _, f := range fs {
		depth = min(depth, f.depth)
	}
	var top []jsonField
	for _, f := range fs {
		if f.depth == depth {
			top = append(top, f)
		}
	}
	if len(top) == 1 {
		return top[0], true
	}
	var tagged []jsonField
	for _, f := range top {
		if f.tagged {
			tagged = append(tagged, f)
		}
	}
	if len(tagged) == 1 {
		return tagged[0], true
	}
	return jsonField{}, false
}
