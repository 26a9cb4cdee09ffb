// Package cfn reads CloudFormation templates (YAML with short-form tags, or
// JSON) into a generic tree that remembers where every node came from, and
// evaluates what CloudFormation evaluates before and during a deployment:
// parameters, pseudo parameters, mappings, conditions, intrinsic functions,
// the dependency order of resources, and outputs.
//
// Use:
//
//	t, err := cfn.Parse(name, data)          // tree + positions
//	err = t.ExpandIncludes(ctx, loader)      // AWS::Include, from S3
//	// package sam transforms t here (t.WithRoot keeps positions)
//	plan, err := cfn.NewPlan(t, env)         // parameters, conditions, references, order
//	for _, id := range plan.Order() {        // dependencies first
//		typ, props, _ := plan.Resource(id)
//		resolved, err := plan.Resolve([]string{"Resources", id, "Properties"}, props, engine)
//		...
//	}
//	outputs, err := plan.Outputs(engine)
//
// Every error is a *Error positioned at file:line:col with the field path,
// worded as CloudFormation words it ("Template format error: ...",
// "Template error: ...", "Parameters: [X] must have values", "Circular
// dependency between resources: [A, B]", "Transform AWS::Include failed
// with: ..."). Wordings not pinned to a public source are marked where they
// are defined.
//
// It does not deploy anything (package stack does), does not read S3
// (the caller's IncludeLoader does) and does not expand the SAM transform
// (package sam does). It follows the CloudFormation User Guide's "Template
// anatomy", "Parameters", "Pseudo parameters reference", "Intrinsic function
// reference", "Condition functions" and "AWS::Include transform" pages.
package cfn
