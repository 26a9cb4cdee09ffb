package apigw

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Export writes what a stage serves as an OpenAPI 3.0.1 ("oas30") or
// Swagger 2.0 ("swagger") document, as GetExport does
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html):
// with the x-amazon-apigateway-* extensions when extensions holds
// "integrations" or "apigateway", as YAML when yamlOut. The document
// imports back into the same resources and methods.
func (s *Service) Export(ctx context.Context, apiID, stage, exportType, extensions string, yamlOut bool) ([]byte, error) {
	if exportType != "oas30" && exportType != "swagger" {
		return nil, awserr.New(awserr.BadRequestException, "Invalid export type specified: %s. Valid values are: oas30, swagger", exportType)
	}
	snap, err := s.Deployed(ctx, apiID, stage)
	if err != nil {
		if _, apiErr := s.getAPI(ctx, s.st, apiID); apiErr != nil {
			return nil, apiErr
		}
		return nil, errStageNotFound()
	}
	ext := strings.Contains(extensions, "integrations") || strings.Contains(extensions, "apigateway")
	doc := exportDoc(snap, s.opts.Region, exportType == "swagger", ext, strings.Contains(extensions, "authorizers") || ext)
	if yamlOut {
		return yaml.Marshal(doc)
	}
	return json.MarshalIndent(doc, "", "  ")
}

func exportDoc(snap *Snapshot, region string, swagger2, ext, auth bool) map[string]any {
	api := snap.API
	host := api.ID + ".execute-api." + region + ".amazonaws.com"
	doc := map[string]any{"info": map[string]any{"title": api.Name,
		"version": snap.Deployment.CreatedDate.UTC().Format(time.RFC3339)}}
	if api.Description != "" {
		doc["info"].(map[string]any)["description"] = api.Description
	}
	if swagger2 {
		doc["swagger"], doc["host"], doc["basePath"], doc["schemes"] = "2.0", host, "/"+snap.Stage.StageName, []string{"https"}
	} else {
		doc["openapi"] = "3.0.1"
		doc["servers"] = []any{map[string]any{"url": "https://" + host + "/{basePath}",
			"variables": map[string]any{"basePath": map[string]any{"default": snap.Stage.StageName}}}}
	}
	validators := map[string]string{}
	for _, v := range snap.Validators {
		validators[v.ID] = cmp.Or(v.Name, v.ID)
	}
	schemes := map[string]any{}
	paths := map[string]any{}
	for _, r := range snap.Resources {
		if len(r.Methods) == 0 {
			continue
		}
		item := map[string]any{}
		for _, verb := range slices.Sorted(maps.Keys(r.Methods)) {
			key := strings.ToLower(verb)
			if verb == MethodAny {
				key = "x-amazon-apigateway-any-method"
			}
			item[key] = exportOperation(r.Methods[verb], swagger2, ext, auth, schemes, validators)
		}
		paths[r.Path] = item
	}
	doc["paths"] = paths
	models := map[string]any{}
	for _, m := range snap.Models {
		var v any
		if json.Unmarshal([]byte(m.Schema), &v) == nil {
			models[m.Name] = v
		}
	}
	if swagger2 {
		doc["definitions"] = models
		if len(schemes) > 0 {
			doc["securityDefinitions"] = schemes
		}
	} else {
		comp := map[string]any{"schemas": models}
		if len(schemes) > 0 {
			comp["securitySchemes"] = schemes
		}
		doc["components"] = comp
	}
	if ext {
		exportAPIExtensions(doc, snap)
	}
	return doc
}

func exportAPIExtensions(doc map[string]any, snap *Snapshot) {
	if len(snap.Validators) > 0 {
		vs := map[string]any{}
		for _, v := range snap.Validators {
			vs[cmp.Or(v.Name, v.ID)] = map[string]any{"validateRequestBody": v.ValidateRequestBody, "validateRequestParameters": v.ValidateRequestParameters}
		}
		doc["x-amazon-apigateway-request-validators"] = vs
	}
	if len(snap.GatewayResponses) > 0 {
		gs := map[string]any{}
		for k, g := range snap.GatewayResponses {
			e := map[string]any{}
			if g.StatusCode != "" {
				e["statusCode"] = g.StatusCode
			}
			if len(g.ResponseParameters) > 0 {
				e["responseParameters"] = g.ResponseParameters
			}
			if len(g.ResponseTemplates) > 0 {
				e["responseTemplates"] = g.ResponseTemplates
			}
			gs[k] = e
		}
		doc["x-amazon-apigateway-gateway-responses"] = gs
	}
	if p := snap.API.Policy; p != "" {
		var v any
		if json.Unmarshal([]byte(p), &v) == nil {
			doc["x-amazon-apigateway-policy"] = v
		}
	}
	if len(snap.API.BinaryMediaTypes) > 0 {
		doc["x-amazon-apigateway-binary-media-types"] = snap.API.BinaryMediaTypes
	}
}

func exportOperation(m *Method, swagger2, ext, auth bool, schemes map[string]any, validators map[string]string) map[string]any {
	op := map[string]any{"responses": exportMethodResponses(m, swagger2)}
	if m.OperationName != "" {
		op["operationId"] = m.OperationName
	}
	var params []any
	for _, k := range slices.Sorted(maps.Keys(m.RequestParameters)) {
		loc, name, ok := strings.Cut(strings.TrimPrefix(k, "method.request."), ".")
		in := map[string]string{"path": "path", "querystring": "query", "header": "header"}[loc]
		if !ok || in == "" {
			continue
		}
		p := map[string]any{"name": name, "in": in, "required": m.RequestParameters[k] || in == "path"}
		if swagger2 {
			p["type"] = "string"
		} else {
			p["schema"] = map[string]any{"type": "string"}
		}
		params = append(params, p)
	}
	exportRequestModels(op, m, swagger2, &params)
	if len(params) > 0 {
		op["parameters"] = params
	}
	var sec []any
	switch m.AuthorizationType {
	case AuthIAM:
		schemes["sigv4"] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
		sec = append(sec, map[string]any{"sigv4": []any{}})
	case AuthCustom, AuthCognito:
		if auth && m.AuthorizerID != "" {
			sec = append(sec, map[string]any{m.AuthorizerID: []any{}})
		}
	}
	if m.APIKeyRequired {
		schemes["api_key"] = map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"}
		sec = append(sec, map[string]any{"api_key": []any{}})
	}
	if len(sec) > 0 {
		op["security"] = sec
	}
	if ext {
		if name := validators[m.RequestValidatorID]; name != "" {
			op["x-amazon-apigateway-request-validator"] = name
		}
		if in := m.Integration; in != nil {
			op["x-amazon-apigateway-integration"] = exportIntegration(in)
		}
	}
	return op
}

func exportRequestModels(op map[string]any, m *Method, swagger2 bool, params *[]any) {
	if len(m.RequestModels) == 0 {
		return
	}
	if swagger2 {
		types := slices.Sorted(maps.Keys(m.RequestModels))
		op["consumes"] = types
		*params = append(*params, map[string]any{"in": "body", "name": m.RequestModels[types[0]], "required": true,
			"schema": map[string]any{"$ref": "#/definitions/" + m.RequestModels[types[0]]}})
		return
	}
	content := map[string]any{}
	for ct, name := range m.RequestModels {
		content[ct] = map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + name}}
	}
	op["requestBody"] = map[string]any{"content": content, "required": true}
}

// IntegrationExtension is in as an x-amazon-apigateway-integration
// object in its decoded JSON form (objects map[string]any, lists []any),
// which ParseIntegration reads back.
func IntegrationExtension(in *Integration) map[string]any {
	var out map[string]any
	b, _ := json.Marshal(exportIntegration(in)) // strings, bools, maps and lists: it cannot fail
	_ = json.Unmarshal(b, &out)
	return out
}

func exportIntegration(in *Integration) map[string]any {
	e := map[string]any{"type": strings.ToLower(in.Type)}
	if in.HTTPMethod != "" {
		e["httpMethod"] = in.HTTPMethod
	}
	if in.URI != "" {
		e["uri"] = in.URI
	}
	if in.Credentials != "" {
		e["credentials"] = in.Credentials
	}
	if in.PassthroughBehavior != "" {
		e["passthroughBehavior"] = strings.ToLower(in.PassthroughBehavior)
	}
	if in.ContentHandling != "" {
		e["contentHandling"] = in.ContentHandling
	}
	if in.TimeoutMillis > 0 {
		e["timeoutInMillis"] = in.TimeoutMillis
	}
	if len(in.RequestTemplates) > 0 {
		e["requestTemplates"] = in.RequestTemplates
	}
	if len(in.CacheKeyParameters) > 0 {
		e["cacheKeyParameters"] = in.CacheKeyParameters
	}
	if len(in.RequestParameters) > 0 {
		e["requestParameters"] = in.RequestParameters
	}
	if len(in.IntegrationResponses) > 0 {
		e["responses"] = exportIntegrationResponses(in.IntegrationResponses)
	}
	return e
}

// exportIntegrationResponses keys the responses by selection pattern,
// "default" for the one without, as the import reads them.
func exportIntegrationResponses(rs map[string]IntegrationResponse) map[string]any {
	out := map[string]any{}
	for _, code := range slices.Sorted(maps.Keys(rs)) {
		r := rs[code]
		e := map[string]any{"statusCode": r.StatusCode}
		if len(r.ResponseParameters) > 0 {
			e["responseParameters"] = r.ResponseParameters
		}
		if len(r.ResponseTemplates) > 0 {
			e["responseTemplates"] = r.ResponseTemplates
		}
		if r.ContentHandling != "" {
			e["contentHandling"] = r.ContentHandling
		}
		key := r.SelectionPattern
		if key == "" {
			key = "default"
		}
		out[key] = e
	}
	return out
}

// exportMethodResponses writes each method response with its headers.
func exportMethodResponses(m *Method, swagger2 bool) map[string]any {
	out := map[string]any{}
	for _, code := range slices.Sorted(maps.Keys(m.MethodResponses)) {
		r := map[string]any{"description": code + " response"}
		headers := map[string]any{}
		for k := range m.MethodResponses[code].ResponseParameters {
			if name, ok := strings.CutPrefix(k, "method.response.header."); ok {
				if swagger2 {
					headers[name] = map[string]any{"type": "string"}
				} else {
					headers[name] = map[string]any{"schema": map[string]any{"type": "string"}}
				}
			}
		}
		if len(headers) > 0 {
			r["headers"] = headers
		}
		out[code] = r
	}
	return out
}
