// Package cfn reads CloudFormation templates (YAML with short-form tags, or
// JSON) into a generic tree that remembers where every node came from, and
// evaluates what CloudFormation evaluates before and during a deployment:
// parameters, pseudo parameters, mappings, conditions, intrinsic functions,
// the dependency order of resources, and outputs.
//
// It does not deploy anything (package stack does) and does not expand the
// SAM transform (package sam does). It follows the CloudFormation User Guide's
// "Template anatomy" and "Intrinsic function reference" pages.
package cfn
