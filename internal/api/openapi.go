package api

import (
	"net/http"
	"strings"
)

// openAPI serves the OpenAPI 3.1 document, made from the routes.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.OpenAPI())
}

// OpenAPI is the API's description.
func (s *Server) OpenAPI() map[string]any {
	errorResp := func(d string) map[string]any {
		return map[string]any{"description": d, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	paths := map[string]any{
		"/api/v1/login": map[string]any{"post": map[string]any{
			"summary":  "Log in: sets the session cookie and returns a token. Five failures in fifteen minutes per name or address: 429.",
			"security": []any{},
			"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "required": []string{"name", "password"},
				"properties": map[string]any{"name": map[string]any{"type": "string"}, "password": map[string]any{"type": "string"}}}}}},
			"responses": map[string]any{"200": map[string]any{"description": "logged in"}, "401": errorResp("wrong name or password"), "429": errorResp("too many failures")},
		}},
		"/api/v1/openapi.json": map[string]any{"get": map[string]any{"summary": "This document.", "security": []any{},
			"responses": map[string]any{"200": map[string]any{"description": "OpenAPI 3.1"}}}},
	}
	for _, rt := range s.routes() {
		op := map[string]any{
			"summary":     rt.summary,
			"description": "Roles: " + strings.Join(rt.roles, ", ") + ". Only the user's agency, and secret documents only within the user's clearance.",
			"responses": map[string]any{
				"200": map[string]any{"description": "OK"},
				"400": errorResp("bad input: the message says what"),
				"401": errorResp("not logged in"),
				"403": errorResp("the role may not do this"),
				"404": errorResp("not found, or out of the user's reach"),
			},
		}
		var params []any
		if strings.Contains(rt.path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}})
		}
		if strings.Contains(rt.path, "{n}") {
			params = append(params, map[string]any{"name": "n", "in": "path", "required": true, "schema": map[string]any{"type": "integer", "minimum": 1}})
		}
		for _, q := range rt.query {
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch rt.body {
		case "json":
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		case "multipart":
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
				"type": "object", "properties": map[string]any{"file": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}}}}}}}
			op["responses"].(map[string]any)["202"] = map[string]any{"description": "accepted: the documents' ids"}
			op["responses"].(map[string]any)["413"] = errorResp("too large")
			op["responses"].(map[string]any)["415"] = errorResp("not a PDF or image")
		}
		if rt.path == "/api/v1/documents/{id}" && rt.method == "GET" {
			op["responses"].(map[string]any)["200"] = map[string]any{"description": "the document", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Document"}}}}
		}
		if len(rt.produces) > 0 {
			content := map[string]any{}
			for _, p := range rt.produces {
				content[p] = map[string]any{}
			}
			op["responses"].(map[string]any)["200"] = map[string]any{"description": "OK", "content": content}
		}
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	str := map[string]any{"type": "string"}
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
			"schemas": map[string]any{
				"Error": map[string]any{"type": "object", "properties": map[string]any{"error": str}},
				"Document": map[string]any{"type": "object", "properties": map[string]any{
					"id": map[string]any{"type": "integer"}, "agency": str, "file": str,
					"status": map[string]any{"type": "string", "enum": []string{"received", "failed", "review", "registered", "approved"}},
					"stages": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "boolean"}},
					"error":  str, "review": map[string]any{"type": "array", "items": str},
					"record": map[string]any{"type": "object", "description": "the extraction record, field names of domain.md section 3"},
				}},
			},
		},
	}
}
