package lambdaapi

import (
	"net/http"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
)

// updateConfigRequest is UpdateFunctionConfiguration's body
// (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html):
// a member left out keeps its setting; Layers [] removes every layer.
type updateConfigRequest struct {
	Role        *string      `json:"Role"`
	Handler     *string      `json:"Handler"`
	Description *string      `json:"Description"`
	Timeout     *int         `json:"Timeout"`
	MemorySize  *int         `json:"MemorySize"`
	Environment *environment `json:"Environment"`
	Runtime     *string      `json:"Runtime"`
	Layers      *[]string    `json:"Layers"`
	RevisionID  string       `json:"RevisionId"`
}

// updateFunctionConfiguration is UpdateFunctionConfiguration: the new
// settings apply to the next invocation (warm instances of the old
// configuration are retired). A new Role is checked as CreateFunction
// checks it; each new layer needs lambda:GetLayerVersion.
func (c *call) updateFunctionConfiguration() error {
	if err := c.authorize("lambda:UpdateFunctionConfiguration", c.arn()); err != nil {
		return err
	}
	if err := c.unqualifiedOnly(); err != nil {
		return err
	}
	var req updateConfigRequest
	if err := c.readJSON(&req, maxRequest); err != nil {
		return err
	}
	cfg, err := c.get()
	if err != nil {
		return err
	}
	if req.RevisionID != "" && req.RevisionID != cfg.RevisionID {
		return awserr.New(functions.PreconditionFaild, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	if req.Role != nil && *req.Role != cfg.Role {
		if err := c.passRole(*req.Role); err != nil {
			return err
		}
		cfg.Role = *req.Role
	}
	if req.Layers != nil {
		refs, err := c.layers(*req.Layers, cfg.Layers)
		if err != nil {
			return err
		}
		cfg.Layers = refs
	}
	set(&cfg.Handler, req.Handler)
	set(&cfg.Description, req.Description)
	set(&cfg.Runtime, req.Runtime)
	set(&cfg.Timeout, req.Timeout)
	set(&cfg.MemorySize, req.MemorySize)
	if req.Environment != nil {
		cfg.Env = req.Environment.Variables
	}
	out, err := c.h.o.Functions.Reconfigure(c.ctx, cfg)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, configuration(out))
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// layers authorizes a function's new Layers as Lambda does: the caller
// needs lambda:GetLayerVersion on each layer version it adds
// (https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html,
// "Lambda API permissions"); layers the function has already keep the
// content they run with. Existence and the list's shape are checked by
// package functions.
func (c *call) layers(arns []string, had []functions.LayerRef) ([]functions.LayerRef, error) {
	refs := functions.LayerRefs(arns)
	if refs == nil {
		refs = []functions.LayerRef{}
	}
	for i, r := range refs {
		kept := false
		for _, h := range had {
			if h.Arn == r.Arn {
				refs[i], kept = h, true
			}
		}
		if kept || !functions.ValidLayerVersionARN(r.Arn) {
			continue // an invalid ARN fails validation with the whole list
		}
		if err := c.authorize("lambda:GetLayerVersion", r.Arn, c.layerPoliciesOf(r.Arn)...); err != nil {
			return nil, err
		}
	}
	return refs, nil
}
