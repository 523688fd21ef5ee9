package api

import (
	"net/http"
	"strings"
)

// openAPI serves the OpenAPI 3.1 document, made from the routes.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.OpenAPI())
}

// querySchema is a query parameter's schema: its bounds are those the
// handlers enforce (intParam, dateParam).
func querySchema(path, name string) map[string]any {
	integer := func(lo, hi int) map[string]any {
		return map[string]any{"type": "integer", "minimum": lo, "maximum": hi}
	}
	switch name {
	case "limit":
		if strings.Contains(path, "/registers/") {
			return integer(1, maxExport)
		}
		if strings.HasSuffix(path, "/tasks") {
			return integer(1, 10*maxLimit)
		}
		return integer(1, maxLimit)
	case "offset":
		if strings.HasSuffix(path, "/search") {
			return integer(0, 10_000)
		}
		return integer(0, maxOffset)
	case "size":
		return integer(1, 100)
	case "year":
		return integer(1945, 2200)
	case "from", "to", "due_before", "date":
		return map[string]any{"type": "string", "format": "date"}
	case "format":
		if strings.HasSuffix(path, "/summary") {
			return map[string]any{"type": "string", "enum": []string{"json", "pdf"}}
		}
		return map[string]any{"type": "string", "enum": []string{"json", "csv", "xlsx"}}
	case "sort":
		return map[string]any{"type": "string", "enum": []string{"relevance", "date"}}
	case "period":
		return map[string]any{"type": "string", "enum": []string{"day", "week", "month"}}
	case "q":
		return map[string]any{"type": "string", "maxLength": 500}
	}
	return map[string]any{"type": "string", "maxLength": 200}
}

// jsonContent is a content map of one JSON schema.
func jsonContent(schema map[string]any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

// OpenAPI is the API's description. Bodies and answers are described
// from the Go types the handlers decode and write (schemaGen), so that
// the document cannot say other than what is sent.
func (s *Server) OpenAPI() map[string]any {
	g := newSchemaGen()
	// Taken first: a Go type named Error is told apart by its package.
	g.defs["Error"] = map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "string"}}}
	errorResp := func(d string) map[string]any {
		return map[string]any{"description": d, "content": jsonContent(map[string]any{"$ref": "#/components/schemas/Error"})}
	}
	paths := map[string]any{
		"/api/v1/login": map[string]any{"post": map[string]any{
			"summary":     "Log in: sets the session cookie and returns a token. Five failures in fifteen minutes per name or address: 429.",
			"security":    []any{},
			"requestBody": map[string]any{"required": true, "content": jsonContent(g.bodySchema(loginRequest{}))},
			"responses": map[string]any{"200": map[string]any{"description": "logged in", "content": jsonContent(g.bodySchema(loginResponse{}))},
				"400": errorResp("not a name and a password"), "401": errorResp("wrong name or password"),
				"403": errorResp("from another site"), "415": errorResp("not JSON"), "429": errorResp("too many failures: wait (Retry-After)"), "503": errorResp("busy for now")},
		}},
		"/api/v1/openapi.json": map[string]any{"get": map[string]any{"summary": "This document.", "security": []any{},
			"responses": map[string]any{"200": map[string]any{"description": "OpenAPI 3.1"}}}},
	}
	for _, rt := range s.routes() {
		resp := map[string]any{
			"400": errorResp("bad input: the message says what"),
			"401": errorResp("not logged in"),
			"403": errorResp("the role may not do this"),
			"404": errorResp("not found, or out of the user's reach"),
			"503": errorResp("busy for now (Retry-After): nothing was done"),
		}
		ok := map[string]string{"POST /api/v1/documents": "202", "POST /api/v1/users": "201", "DELETE /api/v1/documents/{id}": "204",
			"POST /api/v1/logout": "204", "POST /api/v1/documents/{id}/retry": "202", "POST /api/v1/documents/{id}/refuse": "204", "DELETE /api/v1/hub/keys/{id}": "204"}[rt.method+" "+rt.path]
		if ok == "" {
			ok = "200"
		}
		success := map[string]any{"description": "OK"}
		if rt.out != nil {
			success["content"] = jsonContent(g.bodySchema(rt.out))
		}
		resp[ok] = success
		switch rt.method + " " + rt.path {
		case "POST /api/v1/users":
			resp["409"] = errorResp("the name cannot be used")
		case "GET /api/v1/documents/{id}/file", "GET /api/v1/documents/{id}/pages/{n}", "GET /api/v1/feedback/{id}/messages/{mid}/file":
			resp["410"] = errorResp("the original is no longer stored")
		}
		op := map[string]any{
			"summary":     rt.summary,
			"description": "Roles: " + strings.Join(rt.roles, ", ") + ". Only the user's agency, and secret documents only within the user's clearance.",
			"responses":   resp,
		}
		var params []any
		if strings.Contains(rt.path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer", "minimum": 1}})
		}
		for _, name := range []string{"mid", "sid", "doc"} {
			if strings.Contains(rt.path, "{"+name+"}") {
				params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "integer", "minimum": 1}})
			}
		}
		if strings.Contains(rt.path, "{n}") {
			params = append(params, map[string]any{"name": "n", "in": "path", "required": true, "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 2000}})
		}
		if strings.Contains(rt.path, "{code}") {
			params = append(params, map[string]any{"name": "code", "in": "path", "required": true, "schema": map[string]any{"type": "string", "pattern": `^[A-Za-z0-9._-]{1,64}$`}})
		}
		for _, q := range rt.query {
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": querySchema(rt.path, q)})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch rt.in.(type) {
		case nil:
		case multipartFiles:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
				"type": "object", "properties": map[string]any{"file": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}}}}}}}
			success["description"] = "accepted: the documents' ids"
			resp["413"] = errorResp("too large")
			resp["415"] = errorResp("not a PDF or image")
			resp["422"] = errorResp("none of the files could be taken")
		case edXMLBody:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/xml": map[string]any{"schema": map[string]any{
				"type": "string", "description": "an edXML packet (QCVN 102:2016)"}}}}
			resp["413"] = errorResp("too large")
		default:
			op["requestBody"] = map[string]any{"required": true, "content": jsonContent(g.bodySchema(rt.in))}
		}
		if len(rt.produces) > 0 {
			// JSON unless asked for another format (or, for a file, only
			// errors are JSON).
			content, _ := success["content"].(map[string]any)
			if content == nil {
				content = map[string]any{"application/json": map[string]any{}}
				success["content"] = content
			}
			for _, p := range rt.produces {
				content[p] = map[string]any{}
			}
		}
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "Vanthu API", "version": "1", "description": "Documents, registers, tasks, reports, meetings and search of the records office."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"security": []any{
			map[string]any{"bearer": []string{}},
			map[string]any{"session": []string{}},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "vanthu admin token --user NAME"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
			"schemas": g.defs,
		},
	}
}
