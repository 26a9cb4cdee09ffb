package iamapi

import (
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/auth/simulator"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/query"
)

// IAM's policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy.
// The handlers decode the request, ask package simulator (over the
// Evaluator the gateway and the control plane authorize with) and encode
// its results.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html,
// API_SimulateCustomPolicy.html, API_EvaluationResult.html, API_ResourceSpecificResult.html,
// API_Statement.html, API_ContextEntry.html.

// Evaluator is the policy engine of the simulator; *auth.Service (and
// *auth.Evaluator) satisfies it.
type Evaluator = simulator.Evaluator

// contextKeyTypes is ContextKeyTypeEnum.
var contextKeyTypes = []string{"string", "stringList", "numeric", "numericList", "boolean", "booleanList",
	"ip", "ipList", "binary", "binaryList", "date", "dateList"}

// simInput decodes the members both operations share.
func simInput(c *call) (simulator.Input, error) {
	in := simulator.Input{Actions: c.P.List("ActionNames")}
	if len(in.Actions) == 0 {
		return in, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	in.Resources = c.P.List("ResourceArns")
	in.ResourceOwner = c.P.Get("ResourceOwner")
	in.ResourcePolicy = c.P.Get("ResourcePolicy")
	in.PolicyInputs = c.P.List("PolicyInputList")
	in.BoundaryInputs = c.P.List("PermissionsBoundaryPolicyInputList")
	in.CallerARN = c.P.Get("CallerArn")
	ctx, err := contextEntries(c.P)
	in.Context = ctx
	return in, err
}

// contextEntries decodes ContextEntries.member.N.{ContextKeyName,
// ContextKeyValues.member.M, ContextKeyType}.
func contextEntries(p query.Params) (map[string][]string, error) {
	ctx := map[string][]string{}
	for _, e := range p.Structs("ContextEntries") {
		name := e["ContextKeyName"]
		if t := e["ContextKeyType"]; t != "" && !slices.Contains(contextKeyTypes, t) {
			return nil, awserr.New(awserr.ValidationError,
				"1 validation error detected: Value '%s' at 'contextEntries.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
				t, strings.Join(contextKeyTypes, ", "))
		}
		if name == "" {
			continue
		}
		vals := query.Params(e).List("ContextKeyValues")
		ctx[name] = append([]string{}, vals...)
	}
	return ctx, nil
}

func iamSimulateCustomPolicy(c *call) (any, error) {
	if err := c.Authorize("iam:SimulateCustomPolicy", "*"); err != nil {
		return nil, err
	}
	if len(c.P.List("PolicyInputList")) == 0 {
		return nil, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
	}
	in, err := simInput(c)
	if err != nil {
		return nil, err
	}
	in.Account = c.Account()
	return simulate(c, in)
}

func iamSimulatePrincipalPolicy(c *call) (any, error) {
	arn, err := c.P.Required("PolicySourceArn")
	if err != nil {
		return nil, err
	}
	if err := c.Authorize("iam:SimulatePrincipalPolicy", arn); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	src, err := svc.PolicySourcesFor(c.Ctx, arn)
	if err != nil {
		return nil, err
	}
	in, err := simInput(c)
	if err != nil {
		return nil, err
	}
	in.Source = &src
	return simulate(c, in)
}
