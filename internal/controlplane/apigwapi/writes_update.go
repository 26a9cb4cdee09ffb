package apigwapi

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// The update-* operations scripts use beside update-stage and
// update-rest-api: UpdateMethod, UpdateIntegration, UpdateApiKey,
// UpdateUsagePlan and UpdateAccount, with the patch paths of
// https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html.
// A path an operation does not take is AWS's BadRequestException "Invalid
// patch path '...' specified for op '...'"; nothing is written unless every
// operation applies.

func badPatchValue(p patchOp) error {
	return awserr.New(awserr.BadRequestException, "Invalid value '%s' for patch path '%s'", p.Value, p.Path)
}

func patchBool(p patchOp) (bool, error) {
	switch p.Value {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badPatchValue(p)
}

// patchMapEntry applies add, replace or remove to m[key] for a path
// prefix + key (key ~-escaped).
func patchMapEntry[V any](m map[string]V, p patchOp, prefix string, value func() (V, error)) (map[string]V, bool, error) {
	key, ok := strings.CutPrefix(p.Path, prefix)
	if !ok || key == "" {
		return m, false, nil
	}
	key = unescapePatch(key)
	switch p.Op {
	case "add", "replace":
		v, err := value()
		if err != nil {
			return m, true, err
		}
		if m == nil {
			m = map[string]V{}
		}
		m[key] = v
	case "remove":
		delete(m, key)
	default:
		return m, true, errPatchPath(p)
	}
	return m, true, nil
}

func updateMethod(c *call) (any, error) {
	ops, err := c.patchOps()
	if err != nil {
		return nil, err
	}
	m, err := c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		for _, p := range ops {
			if err := patchMethod(m, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return toMethod(&m, c.rt.resource), nil
}

func patchMethod(m *apigw.Method, p patchOp) error {
	var err error
	var done bool
	if m.RequestParameters, done, err = patchMapEntry(m.RequestParameters, p, "/requestParameters/", func() (bool, error) {
		if p.Value == "" {
			return false, nil
		}
		return patchBool(p)
	}); done {
		return err
	}
	if m.RequestModels, done, err = patchMapEntry(m.RequestModels, p, "/requestModels/", func() (string, error) {
		return p.Value, nil
	}); done {
		return err
	}
	switch {
	case p.Path == "/authorizationType" && p.Op == "replace":
		switch p.Value {
		case "NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS":
			m.AuthorizationType = p.Value
		default:
			return badPatchValue(p)
		}
	case p.Path == "/authorizerId" && p.Op == "replace":
		m.AuthorizerID = p.Value
	case p.Path == "/apiKeyRequired" && p.Op == "replace":
		m.APIKeyRequired, err = patchBool(p)
	case p.Path == "/operationName" && p.Op == "replace":
		m.OperationName = p.Value
	case p.Path == "/requestValidatorId" && p.Op == "replace":
		m.RequestValidatorID = p.Value
	case p.Path == "/authorizationScopes" && p.Op == "add":
		if !slices.Contains(m.AuthorizationScopes, p.Value) {
			m.AuthorizationScopes = append(m.AuthorizationScopes, p.Value)
		}
	case p.Path == "/authorizationScopes" && p.Op == "remove":
		m.AuthorizationScopes = without(m.AuthorizationScopes, p.Value)
	default:
		return errPatchPath(p)
	}
	return err
}

// updateIntegration patches the integration in its extension form and
// reads it back through the one integration reader, so a patched
// integration is validated exactly as a put one.
func updateIntegration(c *call) (any, error) {
	ops, err := c.patchOps()
	if err != nil {
		return nil, err
	}
	m, err := c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		if m.Integration == nil {
			return awserr.New(awserr.NotFoundException, "No integration defined for method")
		}
		ext := apigw.IntegrationExtension(m.Integration)
		for _, p := range ops {
			if err := patchIntegration(ext, p); err != nil {
				return err
			}
		}
		in, err := apigw.ParseIntegration(ext)
		if err != nil {
			return err
		}
		if in.Credentials != m.Integration.Credentials {
			if err := c.passRole(in.Credentials); err != nil {
				return err
			}
		}
		m.Integration = in
		return nil
	})
	if err != nil {
		return nil, err
	}
	return toMethod(&m, c.rt.resource).MethodIntegration, nil
}

// integrationFields are the scalar patch paths of UpdateIntegration and
// their extension keys.
var integrationFields = map[string]string{
	"/uri": "uri", "/httpMethod": "httpMethod", "/credentials": "credentials", "/passthroughBehavior": "passthroughBehavior",
	"/contentHandling": "contentHandling", "/timeoutInMillis": "timeoutInMillis", "/connectionType": "connectionType",
	"/connectionId": "connectionId", "/cacheNamespace": "cacheNamespace",
}

func patchIntegration(ext map[string]any, p patchOp) error {
	for _, sub := range []string{"requestTemplates", "requestParameters"} {
		m, _ := ext[sub].(map[string]any)
		m, done, err := patchMapEntry(maps.Clone(m), p, "/"+sub+"/", func() (any, error) { return p.Value, nil })
		if done {
			ext[sub] = m
			return err
		}
	}
	if name, ok := strings.CutPrefix(p.Path, "/cacheKeyParameters/"); ok && (p.Op == "add" || p.Op == "remove") {
		keys, _ := ext["cacheKeyParameters"].([]any)
		name = unescapePatch(name)
		keys = slices.DeleteFunc(slices.Clone(keys), func(k any) bool { return k == name })
		if p.Op == "add" {
			keys = append(keys, name)
		}
		ext["cacheKeyParameters"] = keys
		return nil
	}
	key, ok := integrationFields[p.Path]
	switch {
	case !ok:
		return errPatchPath(p)
	case p.Op == "remove" && (key == "credentials" || key == "contentHandling"):
		delete(ext, key)
	case p.Op != "replace":
		return errPatchPath(p)
	case key == "timeoutInMillis":
		n, err := strconv.Atoi(p.Value)
		if err != nil {
			return badPatchValue(p)
		}
		ext[key] = float64(n)
	default:
		ext[key] = p.Value
	}
	return nil
}

func updateAPIKey(c *call) (any, error) {
	ops, err := c.patchOps()
	if err != nil {
		return nil, err
	}
	var perr error
	k, err := c.h.o.APIs.UpdateAPIKey(c.ctx, c.rt.key, func(k *apigw.APIKey) {
		next := *k
		for _, p := range ops {
			if perr = patchAPIKey(&next, p); perr != nil {
				return
			}
		}
		*k = next
	})
	if err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	return toAPIKey(k), nil
}

func patchAPIKey(k *apigw.APIKey, p patchOp) error {
	var err error
	switch {
	case p.Path == "/enabled" && p.Op == "replace":
		k.Enabled, err = patchBool(p)
	case p.Path == "/name" && p.Op == "replace":
		k.Name = p.Value
	case p.Path == "/description" && p.Op == "replace":
		k.Description = p.Value
	case p.Path == "/customerId" && p.Op == "replace":
		k.CustomerID = p.Value
	default:
		return errPatchPath(p)
	}
	return err
}

func updateUsagePlan(c *call) (any, error) {
	ops, err := c.patchOps()
	if err != nil {
		return nil, err
	}
	var perr error
	plan, err := c.h.o.APIs.UpdateUsagePlan(c.ctx, c.rt.plan, func(u *apigw.UsagePlan) {
		next := *u
		next.Throttle, next.Quota = maps.Clone(u.Throttle), maps.Clone(u.Quota)
		next.APIStages = slices.Clone(u.APIStages)
		for _, p := range ops {
			if perr = patchUsagePlan(&next, p); perr != nil {
				return
			}
		}
		*u = next
	})
	if err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	return toUsagePlan(plan), nil
}

func patchUsagePlan(u *apigw.UsagePlan, p patchOp) error {
	number := func(m *map[string]any, key string, integer bool) error {
		if p.Op == "remove" {
			delete(*m, key)
			return nil
		}
		f, err := strconv.ParseFloat(p.Value, 64)
		if err != nil || f < 0 || integer && f != float64(int64(f)) {
			return badPatchValue(p)
		}
		if *m == nil {
			*m = map[string]any{}
		}
		(*m)[key] = f
		return nil
	}
	switch {
	case p.Path == "/name" && p.Op == "replace":
		u.Name = p.Value
	case p.Path == "/description" && p.Op == "replace":
		u.Description = p.Value
	case p.Path == "/throttle/burstLimit":
		return number(&u.Throttle, "BurstLimit", true)
	case p.Path == "/throttle/rateLimit":
		return number(&u.Throttle, "RateLimit", false)
	case p.Path == "/throttle" && p.Op == "remove":
		u.Throttle = nil
	case p.Path == "/quota/limit":
		return number(&u.Quota, "Limit", true)
	case p.Path == "/quota/offset":
		return number(&u.Quota, "Offset", true)
	case p.Path == "/quota/period" && p.Op == "replace":
		switch p.Value {
		case "DAY", "WEEK", "MONTH":
		default:
			return awserr.New(awserr.BadRequestException, "Invalid quota period specified: %s. Valid values are DAY, WEEK, MONTH", p.Value)
		}
		if u.Quota == nil {
			u.Quota = map[string]any{}
		}
		u.Quota["Period"] = p.Value
	case p.Path == "/quota" && p.Op == "remove":
		u.Quota = nil
	case p.Path == "/apiStages" && (p.Op == "add" || p.Op == "remove"):
		api, stage, ok := strings.Cut(p.Value, ":")
		if !ok || api == "" || stage == "" {
			return badPatchValue(p)
		}
		as := apigw.APIStage{APIID: api, Stage: stage}
		u.APIStages = slices.DeleteFunc(u.APIStages, func(x apigw.APIStage) bool { return x == as })
		if p.Op == "add" {
			u.APIStages = append(u.APIStages, as)
		}
	default:
		return errPatchPath(p)
	}
	return nil
}

// updateAccount sets the account's CloudWatch role: passing a role to API
// Gateway asks iam:PassRole, as on AWS.
func updateAccount(c *call) (any, error) {
	ops, err := c.patchOps()
	if err != nil {
		return nil, err
	}
	role, set := "", false
	for _, p := range ops {
		if p.Path != "/cloudwatchRoleArn" || (p.Op != "replace" && p.Op != "remove") {
			return nil, errPatchPath(p)
		}
		role, set = p.Value, true
		if p.Op == "remove" {
			role = ""
		}
	}
	if set {
		if err := c.passRole(role); err != nil {
			return nil, err
		}
		if _, err := c.h.o.APIs.SetCloudwatchRole(c.ctx, role); err != nil {
			return nil, err
		}
	}
	return getAccount(c)
}
