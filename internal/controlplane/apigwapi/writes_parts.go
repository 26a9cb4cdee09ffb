package apigwapi

import (
	"github.com/iamgate/iamgate/internal/apigw"
)

// Models, request validators and gateway responses
// (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateModel.html,
// API_CreateRequestValidator.html, API_PutGatewayResponse.html).

type model struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema,omitempty"`
	ContentType string `json:"contentType"`
}

func toModel(m apigw.Model) model {
	return model{ID: m.ID, Name: m.Name, Description: m.Description, Schema: m.Schema, ContentType: m.ContentType}
}

func createModel(c *call) (any, error) {
	var in model
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	m, err := c.h.o.APIs.CreateModel(c.ctx, c.rt.api, apigw.Model{Name: in.Name, Description: in.Description, Schema: in.Schema, ContentType: in.ContentType})
	return toModel(m), err
}

func getModels(c *call) (any, error) {
	ms, err := c.h.o.APIs.GetModels(c.ctx, c.rt.api)
	if err != nil {
		return nil, err
	}
	return collect(ms, toModel), nil
}

func getModel(c *call) (any, error) {
	m, err := c.h.o.APIs.GetModel(c.ctx, c.rt.api, c.rt.name)
	return toModel(m), err
}

func deleteModel(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteModel(c.ctx, c.rt.api, c.rt.name)
}

type validator struct {
	ID                        string `json:"id"`
	Name                      string `json:"name,omitempty"`
	ValidateRequestBody       bool   `json:"validateRequestBody"`
	ValidateRequestParameters bool   `json:"validateRequestParameters"`
}

func toValidator(v apigw.RequestValidator) validator {
	return validator{ID: v.ID, Name: v.Name, ValidateRequestBody: v.ValidateRequestBody, ValidateRequestParameters: v.ValidateRequestParameters}
}

func createValidator(c *call) (any, error) {
	var in validator
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v, err := c.h.o.APIs.CreateRequestValidator(c.ctx, c.rt.api, apigw.RequestValidator{Name: in.Name,
		ValidateRequestBody: in.ValidateRequestBody, ValidateRequestParameters: in.ValidateRequestParameters})
	return toValidator(v), err
}

func getValidators(c *call) (any, error) {
	vs, err := c.h.o.APIs.GetRequestValidators(c.ctx, c.rt.api)
	if err != nil {
		return nil, err
	}
	return collect(vs, toValidator), nil
}

func getValidator(c *call) (any, error) {
	v, err := c.h.o.APIs.GetRequestValidator(c.ctx, c.rt.api, c.rt.name)
	return toValidator(v), err
}

func deleteValidator(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteRequestValidator(c.ctx, c.rt.api, c.rt.name)
}

type gatewayResponse struct {
	ResponseType       string            `json:"responseType"`
	StatusCode         string            `json:"statusCode,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
	DefaultResponse    bool              `json:"defaultResponse"`
}

func toGatewayResponse(g apigw.GatewayResponse) gatewayResponse {
	return gatewayResponse{ResponseType: g.ResponseType, StatusCode: g.StatusCode,
		ResponseParameters: g.ResponseParameters, ResponseTemplates: g.ResponseTemplates}
}

func putGatewayResponse(c *call) (any, error) {
	var in gatewayResponse
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	g, err := c.h.o.APIs.PutGatewayResponse(c.ctx, c.rt.api, apigw.GatewayResponse{ResponseType: c.rt.name,
		StatusCode: in.StatusCode, ResponseParameters: in.ResponseParameters, ResponseTemplates: in.ResponseTemplates})
	return toGatewayResponse(g), err
}

// getGatewayResponse answers the API's customization, or the default
// (defaultResponse true) when it has none.
func getGatewayResponse(c *call) (any, error) {
	g, ok, err := c.h.o.APIs.GetGatewayResponse(c.ctx, c.rt.api, c.rt.name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return gatewayResponse{ResponseType: c.rt.name, DefaultResponse: true}, nil
	}
	return toGatewayResponse(g), nil
}

func getGatewayResponses(c *call) (any, error) {
	gs, err := c.h.o.APIs.GetGatewayResponses(c.ctx, c.rt.api)
	if err != nil {
		return nil, err
	}
	return collect(gs, toGatewayResponse), nil
}

func deleteGatewayResponse(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteGatewayResponse(c.ctx, c.rt.api, c.rt.name)
}
