package apigw

import (
	"encoding/json"
	"fmt"
	"github.com/iamgate/iamgate/internal/awserr"
	"maps"
	"slices"
	"strings"
)

// The parts of a definition beside paths: models (definitions /
// components.schemas), request validators and gateway responses, as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validators.html
// and api-gateway-swagger-extensions-gateway-responses.html describe them.

// DefinitionParts are what an import adds beside the resource tree.
// Methods name validators by name until the Service gives them ids.
type DefinitionParts struct {
	Models           []Model
	Validators       []RequestValidator // ID empty; Name set
	GatewayResponses map[string]GatewayResponse
}

// modelSchemas are the document's models by name.
func (sp *spec) modelSchemas() map[string]any {
	if sp.swagger2 {
		return mapAt(sp.doc, "definitions")
	}
	return mapAt(mapAt(sp.doc, "components"), "schemas")
}

func (sp *spec) parts(d *Definition) error {
	schemas := sp.modelSchemas()
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		b, err := json.Marshal(schemas[name])
		if err != nil {
			return badRequest(msgInvalidInput)
		}
		m := Model{Name: name, ContentType: "application/json", Schema: string(b)}
		if err := checkModel(&m); err != nil {
			// Imported with warnings, as ImportRestApi without
			// failonwarnings: the model is left out.
			d.Warnings = append(d.Warnings, fmt.Sprintf("Unable to create model for '%s': %s", name, awserr.As(err).Message))
			continue
		}
		d.Models = append(d.Models, m)
	}
	vals := mapAt(sp.doc, "x-amazon-apigateway-request-validators")
	for _, name := range slices.Sorted(maps.Keys(vals)) {
		v := mapAt(vals, name)
		d.Validators = append(d.Validators, RequestValidator{Name: name,
			ValidateRequestBody: boolAt(v, "validateRequestBody"), ValidateRequestParameters: boolAt(v, "validateRequestParameters")})
	}
	grs := mapAt(sp.doc, "x-amazon-apigateway-gateway-responses")
	for _, typ := range slices.Sorted(maps.Keys(grs)) {
		g := mapAt(grs, typ)
		gr := GatewayResponse{ResponseType: typ, StatusCode: stringAt(g, "statusCode"),
			ResponseParameters: stringMap(mapAt(g, "responseParameters")), ResponseTemplates: stringMap(mapAt(g, "responseTemplates"))}
		if err := checkGatewayResponse(&gr); err != nil {
			return badRequest("Errors found during import:\n\tInvalid gateway response %s: %s", typ, err.Error())
		}
		if d.GatewayResponses == nil {
			d.GatewayResponses = map[string]GatewayResponse{}
		}
		d.GatewayResponses[typ] = gr
	}
	return nil
}

func boolAt(m map[string]any, key string) bool {
	switch v := m[key].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// requestShape fills a method's validator (by name) and request models
// from its operation: x-amazon-apigateway-request-validator (the
// operation's, else the document's), and the body schema references
// (OpenAPI 3 requestBody.content, Swagger 2 a body parameter with the
// consumed media types).
func (sp *spec) requestShape(m *Method, op map[string]any) error {
	name := stringAt(op, "x-amazon-apigateway-request-validator")
	if name == "" {
		name = stringAt(sp.doc, "x-amazon-apigateway-request-validator")
	}
	if name != "" {
		if _, ok := mapAt(sp.doc, "x-amazon-apigateway-request-validators")[name]; !ok {
			return fmt.Errorf("Invalid request validator name specified: %s", name)
		}
		m.RequestValidatorID = name
	}
	models := map[string]string{}
	if sp.swagger2 {
		params, _ := op["parameters"].([]any)
		for _, e := range params {
			p, _ := e.(map[string]any)
			if stringAt(p, "in") != "body" {
				continue
			}
			ref := modelRef(mapAt(p, "schema"))
			if ref == "" {
				continue
			}
			types := stringsAt(op, "consumes")
			if len(types) == 0 {
				types = stringsAt(sp.doc, "consumes")
			}
			if len(types) == 0 {
				types = []string{"application/json"}
			}
			for _, ct := range types {
				models[ct] = ref
			}
		}
	} else {
		content := mapAt(mapAt(op, "requestBody"), "content")
		for ct, v := range content {
			media, _ := v.(map[string]any)
			if ref := modelRef(mapAt(media, "schema")); ref != "" {
				models[ct] = ref
			}
		}
	}
	for ct, name := range models {
		if sc, ok := sp.modelSchemas()[name]; !ok || !validModelName(name) || sc == nil {
			sp.warnings = append(sp.warnings, fmt.Sprintf("Request model %s for content type %s is not a model of the API; the method's %s body is not validated", name, ct, ct))
			delete(models, ct)
		}
	}
	if len(models) > 0 {
		m.RequestModels = models
	}
	return nil
}

// modelRef is the model name a schema object's $ref names
// (#/definitions/X, #/components/schemas/X), or "".
func modelRef(schema map[string]any) string {
	ref := stringAt(schema, "$ref")
	for _, p := range []string{"#/definitions/", "#/components/schemas/"} {
		if name, ok := strings.CutPrefix(ref, p); ok {
			return name
		}
	}
	return ""
}

// resolveValidatorNames turns the validator names a definition's methods
// carry into the ids of parts' validators, giving each validator an id.
func resolveValidatorNames(rs []Resource, parts *apiParts) {
	ids := map[string]string{}
	for i := range parts.Validators {
		v := &parts.Validators[i]
		if v.ID == "" {
			v.ID = NewID(6)
		}
		ids[v.Name] = v.ID
	}
	for _, r := range rs {
		for _, m := range r.Methods {
			if m.RequestValidatorID != "" {
				m.RequestValidatorID = ids[m.RequestValidatorID]
			}
		}
	}
}

// importParts builds the parts of a new or overwritten API from a
// definition: the default models, then the definition's.
func importParts(d *Definition, rs []Resource) apiParts {
	p := apiParts{Models: newDefaultModels(), GatewayResponses: d.GatewayResponses}
	for _, m := range d.Models {
		m.ID = NewID(6)
		if old := p.model(m.Name); old != nil {
			m.ID = old.ID
			*old = m
			continue
		}
		p.Models = append(p.Models, m)
	}
	p.Validators = append(p.Validators, d.Validators...)
	resolveValidatorNames(rs, &p)
	return p
}

// mergeParts adds a definition's parts to an existing API's (PutRestApi
// mode merge): same-named models and validators are replaced.
func mergeParts(prev apiParts, d *Definition, rs []Resource) apiParts {
	out := apiParts{Models: slices.Clone(prev.Models), Validators: slices.Clone(prev.Validators),
		GatewayResponses: maps.Clone(prev.GatewayResponses)}
	for _, m := range d.Models {
		if old := out.model(m.Name); old != nil {
			m.ID = old.ID
			*old = m
			continue
		}
		m.ID = NewID(6)
		out.Models = append(out.Models, m)
	}
	for _, v := range d.Validators {
		replaced := false
		for i := range out.Validators {
			if out.Validators[i].Name == v.Name {
				v.ID = out.Validators[i].ID
				out.Validators[i], replaced = v, true
			}
		}
		if !replaced {
			out.Validators = append(out.Validators, v)
		}
	}
	for k, g := range d.GatewayResponses {
		if out.GatewayResponses == nil {
			out.GatewayResponses = map[string]GatewayResponse{}
		}
		out.GatewayResponses[k] = g
	}
	resolveValidatorNames(rs, &out)
	return out
}
