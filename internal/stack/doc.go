// Package stack deploys CloudFormation stacks: change sets, create, update,
// delete and rollback, with one provider per resource type, statuses and
// events as CloudFormation reports them. It uses cfn for template
// evaluation and sam for the transform; it speaks no wire protocol (package
// controlplane does).
package stack
