package apigwapi

import (
	"strconv"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Integration and method responses: PutIntegrationResponse,
// GetIntegrationResponse, DeleteIntegrationResponse and their method
// response siblings
// (https://docs.aws.amazon.com/apigateway/latest/api/API_PutIntegrationResponse.html,
// https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethodResponse.html).

type integrationResponse struct {
	StatusCode         string            `json:"statusCode"`
	SelectionPattern   string            `json:"selectionPattern,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
	ContentHandling    string            `json:"contentHandling,omitempty"`
}

type methodResponse struct {
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]bool   `json:"responseParameters,omitempty"`
	ResponseModels     map[string]string `json:"responseModels,omitempty"`
}

func toIntegrationResponses(in map[string]apigw.IntegrationResponse) map[string]integrationResponse {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]integrationResponse, len(in))
	for k, r := range in {
		out[k] = integrationResponse(r)
	}
	return out
}

func toMethodResponses(in map[string]apigw.MethodResponse) map[string]methodResponse {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]methodResponse, len(in))
	for k, r := range in {
		out[k] = methodResponse(r)
	}
	return out
}

func errNoIntegration() error {
	return awserr.New(awserr.NotFoundException, "No integration defined for method")
}

func errNoResponse() error {
	return awserr.New(awserr.NotFoundException, "Invalid Response status code specified")
}

func validStatusCode(code string) error {
	if n, err := strconv.Atoi(code); err != nil || len(code) != 3 || n < 100 || n > 599 {
		return awserr.New(awserr.BadRequestException, "Invalid status code specified: %s", code)
	}
	return nil
}

func putIntegrationResponse(c *call) (any, error) {
	if err := validStatusCode(c.rt.name); err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := c.decode(&raw); err != nil {
		return nil, err
	}
	if raw == nil {
		raw = map[string]any{}
	}
	ir, err := apigw.ParseIntegrationResponse(c.rt.name, raw)
	if err != nil {
		return nil, err
	}
	_, err = c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		if m.Integration == nil {
			return errNoIntegration()
		}
		if m.Integration.IntegrationResponses == nil {
			m.Integration.IntegrationResponses = map[string]apigw.IntegrationResponse{}
		}
		m.Integration.IntegrationResponses[ir.StatusCode] = ir
		return nil
	})
	if err != nil {
		return nil, err
	}
	return integrationResponse(ir), nil
}

func getIntegrationResponse(c *call) (any, error) {
	m, err := c.method()
	if err != nil {
		return nil, err
	}
	if m.Integration == nil {
		return nil, errNoIntegration()
	}
	ir, ok := m.Integration.IntegrationResponses[c.rt.name]
	if !ok {
		return nil, errNoResponse()
	}
	return integrationResponse(ir), nil
}

func deleteIntegrationResponse(c *call) (any, error) {
	_, err := c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		if m.Integration == nil {
			return errNoIntegration()
		}
		if _, ok := m.Integration.IntegrationResponses[c.rt.name]; !ok {
			return errNoResponse()
		}
		delete(m.Integration.IntegrationResponses, c.rt.name)
		return nil
	})
	return nil, err
}

func putMethodResponse(c *call) (any, error) {
	if err := validStatusCode(c.rt.name); err != nil {
		return nil, err
	}
	var in struct {
		ResponseParameters map[string]bool   `json:"responseParameters"`
		ResponseModels     map[string]string `json:"responseModels"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	for k := range in.ResponseParameters {
		if len(k) <= len("method.response.header.") || k[:len("method.response.header.")] != "method.response.header." {
			return nil, awserr.New(awserr.BadRequestException, "Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: %s]", k)
		}
	}
	mr := apigw.MethodResponse{StatusCode: c.rt.name, ResponseParameters: in.ResponseParameters, ResponseModels: in.ResponseModels}
	_, err := c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		if m.MethodResponses == nil {
			m.MethodResponses = map[string]apigw.MethodResponse{}
		}
		m.MethodResponses[mr.StatusCode] = mr
		return nil
	})
	if err != nil {
		return nil, err
	}
	return methodResponse(mr), nil
}

func getMethodResponse(c *call) (any, error) {
	m, err := c.method()
	if err != nil {
		return nil, err
	}
	mr, ok := m.MethodResponses[c.rt.name]
	if !ok {
		return nil, errNoResponse()
	}
	return methodResponse(mr), nil
}

func deleteMethodResponse(c *call) (any, error) {
	_, err := c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		if _, ok := m.MethodResponses[c.rt.name]; !ok {
			return errNoResponse()
		}
		delete(m.MethodResponses, c.rt.name)
		return nil
	})
	return nil, err
}

// method is the route's current method.
func (c *call) method() (*apigw.Method, error) {
	r, err := c.resource()
	if err != nil {
		return nil, err
	}
	m, ok := r.Methods[c.rt.method]
	if !ok {
		return nil, awserr.New(awserr.NotFoundException, "Invalid Method identifier specified")
	}
	return m, nil
}
