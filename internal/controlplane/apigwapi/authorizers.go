package apigwapi

import "github.com/iamgate/iamgate/internal/apigw"

// authorizer is GetAuthorizer's shape
// (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html).
type authorizer struct {
	ID                           string   `json:"id"`
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs,omitempty"`
	AuthType                     string   `json:"authType,omitempty"`
	AuthorizerURI                string   `json:"authorizerUri,omitempty"`
	AuthorizerCredentials        string   `json:"authorizerCredentials,omitempty"`
	IdentitySource               string   `json:"identitySource,omitempty"`
	IdentityValidationExpression string   `json:"identityValidationExpression,omitempty"`
	AuthorizerResultTTLInSeconds int      `json:"authorizerResultTtlInSeconds"`
}

func toAuthorizer(a apigw.Authorizer) authorizer {
	return authorizer{ID: a.ID, Name: a.Name, Type: a.Type, ProviderARNs: a.ProviderARNs, AuthType: a.AuthType,
		AuthorizerURI: a.AuthorizerURI, AuthorizerCredentials: a.AuthorizerCredentials, IdentitySource: a.IdentitySource,
		IdentityValidationExpression: a.IdentityValidationExpression, AuthorizerResultTTLInSeconds: int(a.TTL().Seconds())}
}

func getAuthorizers(c *call) (any, error) {
	as, err := c.h.o.APIs.GetAuthorizers(c.ctx, c.rt.api)
	if err != nil {
		return nil, err
	}
	return collect(as, toAuthorizer), nil
}

func getAuthorizer(c *call) (any, error) {
	a, err := c.h.o.APIs.GetAuthorizer(c.ctx, c.rt.api, c.rt.name)
	return toAuthorizer(a), err
}
