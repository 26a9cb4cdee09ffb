package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// validate runs the method's request validator, after authorization and
// before the integration, as API Gateway does
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html):
// required parameters present and not blank, then the body against the
// model of its content type (or $default). It writes the 400 and reports
// false when the request fails.
func (g *Gateway) validate(c *call) bool {
	if c.method.RequestValidatorID == "" {
		return true
	}
	v, ok := c.snap.Validator(c.method.RequestValidatorID)
	if !ok {
		return true // a validator deleted after deployment validates nothing
	}
	if v.ValidateRequestParameters {
		if missing := missingParameters(c); len(missing) > 0 {
			msg := "Missing required request parameters: [" + strings.Join(missing, ", ") + "]"
			c.trace.Validation = "refused: " + msg
			c.validationError = msg
			g.fail(c, awserr.GWBadRequestParameters, msg)
			return false
		}
	}
	if v.ValidateRequestBody {
		return g.validateBody(c)
	}
	c.trace.Validation = "passed"
	return true
}

// missingParameters lists the required method.request.{path,querystring,
// header}.NAME parameters that are absent or blank, by name. API Gateway
// checks presence only, never type or format.
func missingParameters(c *call) []string {
	var missing []string
	q := c.r.URL.Query()
	for key, required := range c.method.RequestParameters {
		if !required {
			continue
		}
		var value string
		switch {
		case strings.HasPrefix(key, "method.request.path."):
			value = c.params[strings.TrimPrefix(key, "method.request.path.")]
		case strings.HasPrefix(key, "method.request.querystring."):
			value = q.Get(strings.TrimPrefix(key, "method.request.querystring."))
		case strings.HasPrefix(key, "method.request.multivaluequerystring."):
			value = q.Get(strings.TrimPrefix(key, "method.request.multivaluequerystring."))
		case strings.HasPrefix(key, "method.request.header."):
			value = c.r.Header.Get(strings.TrimPrefix(key, "method.request.header."))
		case strings.HasPrefix(key, "method.request.multivalueheader."):
			value = c.r.Header.Get(strings.TrimPrefix(key, "method.request.multivalueheader."))
		default:
			continue
		}
		if strings.TrimSpace(value) == "" {
			missing = append(missing, key[strings.LastIndexByte(key, '.')+1:])
		}
	}
	slices.Sort(missing)
	return missing
}

// validateBody checks the body against the model of its media type. The
// body is read here (within the payload quota) and put back for the
// integration.
func (g *Gateway) validateBody(c *call) bool {
	model := requestModel(c.method.RequestModels, c.r.Header.Get("Content-Type"))
	if model == "" {
		c.trace.Validation = "passed: no model for the request's content type"
		return true
	}
	body, err := readBody(c.r, maxPayload+1)
	switch {
	case tooLarge(err) || len(body) > maxPayload:
		g.fail(c, awserr.GWRequestTooLarge, "")
		return false
	case err != nil:
		g.fail(c, awserr.GWIntegrationFailure, "")
		return false
	}
	c.r.Body = io.NopCloser(bytes.NewReader(body))
	sch, err := g.schemas.get(c.snap, model)
	if err != nil {
		g.log.Error("request model does not compile", "request_id", c.requestID, "model", model, "err", err)
		c.trace.Validation = "model " + model + " does not compile: " + err.Error()
		g.fail(c, awserr.GWConfigurationError, "")
		return false
	}
	problem := checkBody(sch, body)
	if problem == "" {
		c.trace.Validation = "passed: body matches model " + model
		return true
	}
	c.validationError = problem
	c.trace.Validation = "refused: body does not match model " + model + ": " + problem
	g.fail(c, awserr.GWBadRequestBody, "")
	return false
}

// checkBody returns why body does not match sch, or "". An empty body is
// not validated: API Gateway passes a request without a payload to the
// integration whatever the model says (inferred from reports such as
// https://repost.aws/questions/QUhQ6W6gfsSlKn2v_Q7JXUyQ; state it in the
// README).
func checkBody(sch *jsonschema.Schema, body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return "[Invalid JSON: " + err.Error() + "]"
	}
	if err := sch.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return "[" + strings.ReplaceAll(strings.TrimSpace(ve.Error()), "\n", " ") + "]"
		}
		return "[" + err.Error() + "]"
	}
	return ""
}

// requestModel picks the model for a Content-Type: its media type exactly,
// else $default. A request without a Content-Type is application/json to
// API Gateway.
func requestModel(models map[string]string, contentType string) string {
	if len(models) == 0 {
		return ""
	}
	mt := "application/json"
	if contentType != "" {
		if t, _, err := mime.ParseMediaType(contentType); err == nil {
			mt = t
		} else {
			mt = strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
		}
	}
	if m, ok := models[mt]; ok {
		return m
	}
	return models["$default"]
}

// modelURLPrefix is how models reference each other:
// https://apigateway.amazonaws.com/restapis/{api}/models/{name}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html).
const modelURLPrefix = "https://apigateway.amazonaws.com/restapis/"

// schemaCache keeps compiled models by API, deployment and name:
// deployments never change, so an entry never goes stale.
type schemaCache struct {
	mu sync.Mutex
	m  map[string]*jsonschema.Schema
}

const maxSchemas = 1024

func newSchemaCache() *schemaCache { return &schemaCache{m: map[string]*jsonschema.Schema{}} }

func (sc *schemaCache) get(snap *apigw.Snapshot, name string) (*jsonschema.Schema, error) {
	key := snap.API.ID + "/" + snap.Deployment.ID + "/" + name
	sc.mu.Lock()
	s, ok := sc.m[key]
	sc.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := compileModel(snap, name)
	if err != nil {
		return nil, err
	}
	sc.mu.Lock()
	if len(sc.m) >= maxSchemas {
		clear(sc.m)
	}
	sc.m[key] = s
	sc.mu.Unlock()
	return s, nil
}

// compileModel compiles a deployed model as JSON Schema draft 4. References
// resolve only to the API's own models: the loader never reads a file or
// the network.
func compileModel(snap *apigw.Snapshot, name string) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(modelLoader{snap: snap})
	return c.Compile(modelURL(snap.API.ID, name))
}

func modelURL(apiID, name string) string { return modelURLPrefix + apiID + "/models/" + name }

type modelLoader struct{ snap *apigw.Snapshot }

func (l modelLoader) Load(url string) (any, error) {
	rest, ok := strings.CutPrefix(url, modelURLPrefix+l.snap.API.ID+"/models/")
	if !ok || strings.Contains(rest, "/") {
		return nil, fmt.Errorf("reference %s is not a model of this API", url)
	}
	m, ok := l.snap.ModelByName(rest)
	if !ok {
		return nil, fmt.Errorf("no model %q", rest)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(m.Schema))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", rest, err)
	}
	return rewriteRefs(doc, l.snap.API.ID), nil
}

// rewriteRefs turns the OpenAPI references an imported model keeps
// (#/definitions/X, #/components/schemas/X) into model URLs.
func rewriteRefs(v any, apiID string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if s, isString := e.(string); k == "$ref" && isString {
				for _, p := range []string{"#/definitions/", "#/components/schemas/"} {
					if name, ok := strings.CutPrefix(s, p); ok {
						t[k] = modelURL(apiID, name)
					}
				}
				continue
			}
			t[k] = rewriteRefs(e, apiID)
		}
	case []any:
		for i := range t {
			t[i] = rewriteRefs(t[i], apiID)
		}
	}
	return v
}
