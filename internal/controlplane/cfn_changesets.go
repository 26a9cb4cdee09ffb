package controlplane

import (
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/stack"
)

// CloudFormation change sets. A change set named by its ARN needs no
// StackName; the ARN's stack part is used for authorization then.

// changeSetTarget returns the stack a change set request names (StackName,
// or the stack of a change set ARN is left to the backend) and authorizes
// cloudformation:ACTION on it.
func changeSetTarget(c *call) (stack.Backend, string, string, error) {
	cs, err := c.p.required("ChangeSetName")
	if err != nil {
		return nil, "", "", err
	}
	name := c.p.get("StackName")
	if name == "" && !strings.HasPrefix(cs, "arn:") {
		return nil, "", "", awserr.New(awserr.ValidationError, "StackName must be specified if ChangeSetName is not specified as an ARN.")
	}
	resource := c.stackARN(name)
	if name == "" {
		resource = cs
	}
	if err := c.authorize("cloudformation:"+c.action, resource); err != nil {
		return nil, "", "", err
	}
	b, err := c.stacks()
	return b, name, cs, err
}

func cfnCreateChangeSet(c *call) (any, error) {
	name, err := c.p.required("StackName")
	if err != nil {
		return nil, err
	}
	if _, err := c.p.required("ChangeSetName"); err != nil {
		return nil, err
	}
	if err := c.authorize("cloudformation:CreateChangeSet", c.stackARN(name)); err != nil {
		return nil, err
	}
	b, err := c.stacks()
	if err != nil {
		return nil, err
	}
	in := changeSetInput(c.p, name)
	if in.ChangeSetType == "" {
		in.ChangeSetType = "UPDATE"
	}
	cs, err := b.CreateChangeSet(c.ctx, in)
	if err != nil {
		return nil, err
	}
	return struct {
		ID      string `xml:"Id"`
		StackID string `xml:"StackId"`
	}{cs.ChangeSetID, cs.StackID}, nil
}

type cfnResourceChange struct {
	Action             string
	LogicalResourceID  string `xml:"LogicalResourceId"`
	PhysicalResourceID string `xml:"PhysicalResourceId,omitempty"`
	ResourceType       string
	Replacement        string `xml:",omitempty"`
	Scope              members[string]
	Details            members[string]
}

type cfnChange struct {
	Type           string
	ResourceChange cfnResourceChange
}

type cfnChangeSet struct {
	ChangeSetName       string
	ChangeSetID         string `xml:"ChangeSetId"`
	StackID             string `xml:"StackId"`
	StackName           string
	Description         string                `xml:",omitempty"`
	Parameters          members[cfnParameter] `xml:",omitempty"`
	CreationTime        cfnTime
	ExecutionStatus     string
	Status              string
	StatusReason        string `xml:",omitempty"`
	NotificationARNs    members[string]
	Capabilities        members[string] `xml:",omitempty"`
	Tags                members[tag]    `xml:",omitempty"`
	Changes             members[cfnChange]
	IncludeNestedStacks bool
}

func cfnDescribeChangeSet(c *call) (any, error) {
	b, name, cs, err := changeSetTarget(c)
	if err != nil {
		return nil, err
	}
	got, err := b.DescribeChangeSet(c.ctx, name, cs)
	if err != nil {
		return nil, err
	}
	out := cfnChangeSet{
		ChangeSetName: got.ChangeSetName, ChangeSetID: got.ChangeSetID, StackID: got.StackID,
		StackName: got.StackName, Description: got.Description, Parameters: toCFNParams(got.Parameters),
		CreationTime: cfnTime(got.CreationTime), ExecutionStatus: got.ExecutionStatus,
		Status: got.Status, StatusReason: got.StatusReason, NotificationARNs: members[string]{},
		Capabilities: got.Capabilities, Tags: tagList(got.Tags), Changes: members[cfnChange]{},
	}
	for _, ch := range got.Changes {
		out.Changes = append(out.Changes, cfnChange{Type: "Resource", ResourceChange: cfnResourceChange{
			Action: ch.Action, LogicalResourceID: ch.LogicalResourceID,
			PhysicalResourceID: ch.PhysicalResourceID, ResourceType: ch.ResourceType,
			Replacement: ch.Replacement, Scope: members[string]{}, Details: members[string]{},
		}})
	}
	return out, nil
}

type cfnChangeSetSummary struct {
	StackID             string `xml:"StackId"`
	StackName           string
	ChangeSetID         string `xml:"ChangeSetId"`
	ChangeSetName       string
	ExecutionStatus     string
	Status              string
	StatusReason        string `xml:",omitempty"`
	CreationTime        cfnTime
	Description         string `xml:",omitempty"`
	IncludeNestedStacks bool
}

func cfnListChangeSets(c *call) (any, error) {
	b, name, err := cfnStackOp(c, true)
	if err != nil {
		return nil, err
	}
	css, err := b.ListChangeSets(c.ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct{ Summaries members[cfnChangeSetSummary] }{Summaries: members[cfnChangeSetSummary]{}}
	for _, cs := range css {
		out.Summaries = append(out.Summaries, cfnChangeSetSummary{
			StackID: cs.StackID, StackName: cs.StackName, ChangeSetID: cs.ChangeSetID,
			ChangeSetName: cs.ChangeSetName, ExecutionStatus: cs.ExecutionStatus, Status: cs.Status,
			StatusReason: cs.StatusReason, CreationTime: cfnTime(cs.CreationTime), Description: cs.Description,
		})
	}
	return out, nil
}

// cfnExecuteChangeSet answers an empty <ExecuteChangeSetResult/>, as AWS does.
func cfnExecuteChangeSet(c *call) (any, error) {
	b, name, cs, err := changeSetTarget(c)
	if err != nil {
		return nil, err
	}
	if err := b.ExecuteChangeSet(c.ctx, name, cs); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func cfnDeleteChangeSet(c *call) (any, error) {
	b, name, cs, err := changeSetTarget(c)
	if err != nil {
		return nil, err
	}
	if err := b.DeleteChangeSet(c.ctx, name, cs); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
