package apigw

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// GatewayResponse is an API's customization of one of API Gateway's own
// responses (https://docs.aws.amazon.com/apigateway/latest/api/API_GatewayResponse.html):
// its status, headers (gatewayresponse.header.NAME) and body templates.
// Empty fields keep the default's.
type GatewayResponse struct {
	ResponseType       string            `json:"responseType"`
	StatusCode         string            `json:"statusCode,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
}

func checkGatewayResponse(g *GatewayResponse) error {
	if !slices.Contains(awserr.GatewayResponseTypes, g.ResponseType) {
		return awserr.New(awserr.BadRequestException,
			"1 validation error detected: Value '%s' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
			g.ResponseType, strings.Join(awserr.GatewayResponseTypes, ", "))
	}
	if g.StatusCode != "" && !validStatusCode(g.StatusCode) {
		return awserr.New(awserr.BadRequestException, "Invalid status code specified: %s", g.StatusCode)
	}
	for k := range g.ResponseParameters {
		if !strings.HasPrefix(k, "gatewayresponse.header.") || len(k) == len("gatewayresponse.header.") {
			return awserr.New(awserr.BadRequestException, "Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: %s]", k)
		}
	}
	return nil
}

func validStatusCode(s string) bool {
	if len(s) != 3 || s[0] < '1' || s[0] > '5' {
		return false
	}
	return s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'
}

// PutGatewayResponse sets an API's customization of a response type.
func (s *Service) PutGatewayResponse(ctx context.Context, apiID string, g GatewayResponse) (GatewayResponse, error) {
	if err := checkGatewayResponse(&g); err != nil {
		return GatewayResponse{}, err
	}
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		if rec.GatewayResponses == nil {
			rec.GatewayResponses = map[string]GatewayResponse{}
		}
		rec.GatewayResponses[g.ResponseType] = g
		return nil
	})
	return g, err
}

// GetGatewayResponse returns an API's customization of a response type;
// ok is false when the API keeps the default.
func (s *Service) GetGatewayResponse(ctx context.Context, apiID, typ string) (g GatewayResponse, ok bool, err error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return GatewayResponse{}, false, err
	}
	if !slices.Contains(awserr.GatewayResponseTypes, typ) {
		return GatewayResponse{}, false, checkGatewayResponse(&GatewayResponse{ResponseType: typ})
	}
	g, ok = rec.GatewayResponses[typ]
	return g, ok, nil
}

// GetGatewayResponses returns an API's customizations, by type.
func (s *Service) GetGatewayResponses(ctx context.Context, apiID string) ([]GatewayResponse, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	out := make([]GatewayResponse, 0, len(rec.GatewayResponses))
	for _, k := range slices.Sorted(maps.Keys(rec.GatewayResponses)) {
		out = append(out, rec.GatewayResponses[k])
	}
	return out, nil
}

// DeleteGatewayResponse returns a response type to its default.
func (s *Service) DeleteGatewayResponse(ctx context.Context, apiID, typ string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		if _, ok := rec.GatewayResponses[typ]; !ok {
			return awserr.New(awserr.NotFoundException, "Invalid response type specified: %s", typ)
		}
		delete(rec.GatewayResponses, typ)
		return nil
	})
}
