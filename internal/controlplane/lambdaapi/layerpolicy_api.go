package lambdaapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/functions"
)

// LayerPolicies is the layer version permissions part of Functions.
type LayerPolicies interface {
	AddLayerVersionPermission(ctx context.Context, name string, version int64, p functions.LayerPermission, revisionID string) (statement, revision string, err error)
	RemoveLayerVersionPermission(ctx context.Context, name string, version int64, sid, revisionID string) error
	LayerVersionPolicy(ctx context.Context, name string, version int64) (policy, revision string, err error)
}

// layerVersionARN is the route's layer version ARN, what IAM checks the
// version operations on.
func (c *call) layerVersionARN(name string, version int64) string {
	return c.h.o.Functions.LayerARN(name) + ":" + strconv.FormatInt(version, 10)
}

// layerVersionCall reads the route's layer name and version number and
// authorizes action on the version's ARN, built from the parsed number so
// that the ARN authorized is the version served ("01" and "+1" are 1).
// withPolicy adds the version's own policy (lambda:GetLayerVersion).
func (c *call) layerVersionCall(action string, withPolicy bool) (string, int64, error) {
	name, err := c.layerName()
	if err != nil {
		return "", 0, err
	}
	n, err := c.layerVersion()
	if err != nil {
		return "", 0, err
	}
	var policies []auth.Policy
	if withPolicy {
		policies = c.layerPolicies(name, n)
	}
	if err := c.authorize(action, c.layerVersionARN(name, n), policies...); err != nil {
		return "", 0, err
	}
	return name, n, nil
}

// layerPolicies is the layer version's policy as a resource policy for
// lambda:GetLayerVersion; none when it has no statement or does not exist.
func (c *call) layerPolicies(name string, version int64) []auth.Policy {
	doc, _, err := c.h.o.Functions.LayerVersionPolicy(c.ctx, name, version)
	if err != nil || doc == "" {
		return nil
	}
	return []auth.Policy{{Name: "layer version policy", Document: doc}}
}

type addLayerPermissionRequest struct {
	StatementID    string `json:"StatementId"`
	Action         string `json:"Action"`
	Principal      string `json:"Principal"`
	OrganizationID string `json:"OrganizationId"`
}

// addLayerVersionPermission is AddLayerVersionPermission (201).
func (c *call) addLayerVersionPermission() error {
	name, n, err := c.layerVersionCall("lambda:AddLayerVersionPermission", false)
	if err != nil {
		return err
	}
	var req addLayerPermissionRequest
	if err := c.readJSON(&req, maxRequest); err != nil {
		return err
	}
	stmt, rev, err := c.h.o.Functions.AddLayerVersionPermission(c.ctx, name, n, functions.LayerPermission{Sid: req.StatementID,
		Action: req.Action, Principal: req.Principal, OrganizationID: req.OrganizationID}, c.r.URL.Query().Get("RevisionId"))
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, struct {
		Statement  string `json:"Statement"`
		RevisionID string `json:"RevisionId"`
	}{stmt, rev})
}

// getLayerVersionPolicy is GetLayerVersionPolicy.
func (c *call) getLayerVersionPolicy() error {
	name, n, err := c.layerVersionCall("lambda:GetLayerVersionPolicy", false)
	if err != nil {
		return err
	}
	doc, rev, err := c.h.o.Functions.LayerVersionPolicy(c.ctx, name, n)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, struct {
		Policy     string `json:"Policy"`
		RevisionID string `json:"RevisionId"`
	}{doc, rev})
}

// removeLayerVersionPermission is RemoveLayerVersionPermission (204).
func (c *call) removeLayerVersionPermission() error {
	name, n, err := c.layerVersionCall("lambda:RemoveLayerVersionPermission", false)
	if err != nil {
		return err
	}
	if err := c.h.o.Functions.RemoveLayerVersionPermission(c.ctx, name, n, c.rt.sid, c.r.URL.Query().Get("RevisionId")); err != nil {
		return err
	}
	return c.noContent()
}

// layerPoliciesOf is layerPolicies for a layer version ARN; only a layer
// of this account and region has one here.
func (c *call) layerPoliciesOf(versionARN string) []auth.Policy {
	_, n, ok := functions.LayerVersionOf(versionARN)
	if !ok {
		return nil
	}
	// The layer's ARN (without the version): the service checks that it
	// names this account and region before reading a policy.
	return c.layerPolicies(versionARN[:strings.LastIndexByte(versionARN, ':')], n)
}
