package lambdaapi

import (
	"net/http"
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
)

// Versions and aliases
// (https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html,
// API_CreateAlias.html, API_AliasConfiguration.html). IAM checks these on
// the unqualified function ARN.

// AliasConfiguration is Lambda's shape of an alias.
type AliasConfiguration struct {
	AliasArn        string         `json:"AliasArn"`
	Name            string         `json:"Name"`
	FunctionVersion string         `json:"FunctionVersion"`
	Description     string         `json:"Description"`
	RevisionID      string         `json:"RevisionId"`
	RoutingConfig   *routingConfig `json:"RoutingConfig,omitempty"`
}

type routingConfig struct {
	AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights"`
}

func aliasConfiguration(a functions.Alias) AliasConfiguration {
	out := AliasConfiguration{AliasArn: a.ARN, Name: a.Name, FunctionVersion: a.FunctionVersion,
		Description: a.Description, RevisionID: a.RevisionID}
	if a.AdditionalVersion != "" {
		out.RoutingConfig = &routingConfig{AdditionalVersionWeights: map[string]float64{a.AdditionalVersion: a.AdditionalWeight}}
	}
	return out
}

// unqualifiedOnly refuses a qualified FunctionName for operations on the
// function itself.
func (c *call) unqualifiedOnly() error {
	if c.qual != "" {
		return awserr.New(InvalidParameter, "Unsupported qualifier %s for operation %s", c.qual, c.rt.op)
	}
	return nil
}

type publishRequest struct {
	CodeSha256  string `json:"CodeSha256"`
	Description string `json:"Description"`
	RevisionID  string `json:"RevisionId"`
}

// publishVersion is PublishVersion (201 with the version's configuration).
func (c *call) publishVersion() error {
	if err := c.authorize("lambda:PublishVersion", c.unqualifiedARN()); err != nil {
		return err
	}
	if err := c.unqualifiedOnly(); err != nil {
		return err
	}
	var req publishRequest
	if err := c.readOptionalJSON(&req); err != nil {
		return err
	}
	v, err := c.h.o.Functions.PublishVersion(c.ctx, c.name(), req.Description, req.CodeSha256, req.RevisionID)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, configuration(v))
}

// readOptionalJSON reads a body that may be empty.
func (c *call) readOptionalJSON(v any) error {
	if c.r.ContentLength == 0 {
		return nil
	}
	return c.readJSON(v, maxRequest)
}

// page cuts items at Marker (an index, as Lambda's markers are opaque) and
// MaxItems (at most 50, else 10000 as the API allows).
func (c *call) page(n int) (from, to int, next string, err error) {
	q := c.r.URL.Query()
	max := 50
	if v := q.Get("MaxItems"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > 10000 {
			return 0, 0, "", awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", v)
		}
		max = min(m, 50)
	}
	if v := q.Get("Marker"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 0 || m > n {
			return 0, 0, "", awserr.New(InvalidParameter, "Invalid marker: %s", v)
		}
		from = m
	}
	to = min(n, from+max)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next, nil
}

// pageOf is the request's page of all (c.page), each item in its wire
// form; an empty page is [], never null.
func pageOf[T, W any](c *call, all []T, wire func(T) W) ([]W, string, error) {
	from, to, next, err := c.page(len(all))
	if err != nil {
		return nil, "", err
	}
	out := make([]W, 0, to-from)
	for _, v := range all[from:to] {
		out = append(out, wire(v))
	}
	return out, next, nil
}

// listVersions is ListVersionsByFunction: $LATEST, then each version.
func (c *call) listVersions() error {
	if err := c.authorize("lambda:ListVersionsByFunction", c.unqualifiedARN()); err != nil {
		return err
	}
	all, err := c.h.o.Functions.ListVersions(c.ctx, c.name())
	if err != nil {
		return err
	}
	page, next, err := pageOf(c, all, configuration)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, struct {
		Versions   []FunctionConfiguration `json:"Versions"`
		NextMarker string                  `json:"NextMarker,omitempty"`
	}{page, next})
}

type aliasRequest struct {
	Name            string  `json:"Name"`
	FunctionVersion string  `json:"FunctionVersion"`
	Description     *string `json:"Description"`
	RevisionID      string  `json:"RevisionId"`
	RoutingConfig   *struct {
		AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights"`
	} `json:"RoutingConfig"`
}

func (r aliasRequest) input() (functions.AliasInput, error) {
	in := functions.AliasInput{FunctionVersion: r.FunctionVersion, Description: r.Description, RevisionID: r.RevisionID}
	if r.RoutingConfig != nil {
		if len(r.RoutingConfig.AdditionalVersionWeights) > 1 {
			return in, awserr.New(InvalidParameter, "Number of items in AdditionalVersionWeights cannot be greater than 1")
		}
		for v, w := range r.RoutingConfig.AdditionalVersionWeights {
			in.AdditionalVersion, in.AdditionalWeight = v, w
		}
	}
	return in, nil
}

// createAlias is CreateAlias (201).
func (c *call) createAlias() error {
	if err := c.authorize("lambda:CreateAlias", c.unqualifiedARN()); err != nil {
		return err
	}
	if err := c.unqualifiedOnly(); err != nil {
		return err
	}
	var req aliasRequest
	if err := c.readJSON(&req, maxRequest); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	a, err := c.h.o.Functions.CreateAlias(c.ctx, c.name(), req.Name, in)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, aliasConfiguration(a))
}

// getAlias is GetAlias.
func (c *call) getAlias() error {
	if err := c.authorize("lambda:GetAlias", c.unqualifiedARN()); err != nil {
		return err
	}
	a, err := c.h.o.Functions.GetAlias(c.ctx, c.name(), c.rt.alias)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, aliasConfiguration(a))
}

// updateAlias is UpdateAlias.
func (c *call) updateAlias() error {
	if err := c.authorize("lambda:UpdateAlias", c.unqualifiedARN()); err != nil {
		return err
	}
	var req aliasRequest
	if err := c.readJSON(&req, maxRequest); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	a, err := c.h.o.Functions.UpdateAlias(c.ctx, c.name(), c.rt.alias, in)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, aliasConfiguration(a))
}

// deleteAlias is DeleteAlias (204).
func (c *call) deleteAlias() error {
	if err := c.authorize("lambda:DeleteAlias", c.unqualifiedARN()); err != nil {
		return err
	}
	if _, err := c.h.o.Functions.Get(c.ctx, c.name()); err != nil {
		return err
	}
	if err := c.h.o.Functions.DeleteAlias(c.ctx, c.name(), c.rt.alias); err != nil {
		return err
	}
	return c.noContent()
}

// listAliases is ListAliases (?FunctionVersion filters).
func (c *call) listAliases() error {
	if err := c.authorize("lambda:ListAliases", c.unqualifiedARN()); err != nil {
		return err
	}
	all, err := c.h.o.Functions.ListAliases(c.ctx, c.name(), c.r.URL.Query().Get("FunctionVersion"))
	if err != nil {
		return err
	}
	page, next, err := pageOf(c, all, aliasConfiguration)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, struct {
		Aliases    []AliasConfiguration `json:"Aliases"`
		NextMarker string               `json:"NextMarker,omitempty"`
	}{page, next})
}
