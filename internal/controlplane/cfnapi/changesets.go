package cfnapi

import (
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/stack"
)

// CloudFormation change sets. A change set named by its ARN needs no
// StackName; the ARN's stack part is used for authorization then.

// changeSetTarget returns the stack a change set request names (StackName,
// or the stack of a change set ARN is left to the backend) and authorizes
// cloudformation:ACTION on it.
func changeSetTarget(c *call) (stack.Backend, string, string, error) {
	cs, err := c.P.Required("ChangeSetName")
	if err != nil {
		return nil, "", "", err
	}
	name := c.P.Get("StackName")
	if name == "" && !strings.HasPrefix(cs, "arn:") {
		return nil, "", "", awserr.New(awserr.ValidationError, "StackName must be specified if ChangeSetName is not specified as an ARN.")
	}
	resource := c.stackARN(name)
	if name == "" {
		resource = cs
	}
	if err := c.Authorize("cloudformation:"+c.Action, resource); err != nil {
		return nil, "", "", err
	}
	b, err := c.stacks()
	return b, name, cs, err
}

func cfnCreateChangeSet(c *call) (any, error) {
	name, err := c.P.Required("StackName")
	if err != nil {
		return nil, err
	}
	if _, err := c.P.Required("ChangeSetName"); err != nil {
		return nil, err
	}
	if err := c.Authorize("cloudformation:CreateChangeSet", c.stackARN(name)); err != nil {
		return nil, err
	}
	b, err := c.stacks()
	if err != nil {
		return nil, err
	}
	in := changeSetInput(c.P, name)
	if in.ChangeSetType == "" {
		in.ChangeSetType = "UPDATE"
	}
	cs, err := b.CreateChangeSet(c.Ctx, in)
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
	Scope              query.Members[string]
	Details            query.Members[string]
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
	Description         string                      `xml:",omitempty"`
	Parameters          query.Members[cfnParameter] `xml:",omitempty"`
	CreationTime        query.CFNTime
	ExecutionStatus     string
	Status              string
	StatusReason        string `xml:",omitempty"`
	NotificationARNs    query.Members[string]
	Capabilities        query.Members[string]    `xml:",omitempty"`
	Tags                query.Members[query.Tag] `xml:",omitempty"`
	Changes             query.Members[cfnChange]
	IncludeNestedStacks bool
}

func cfnDescribeChangeSet(c *call) (any, error) {
	b, name, cs, err := changeSetTarget(c)
	if err != nil {
		return nil, err
	}
	got, err := b.DescribeChangeSet(c.Ctx, name, cs)
	if err != nil {
		return nil, err
	}
	out := cfnChangeSet{
		ChangeSetName: got.ChangeSetName, ChangeSetID: got.ChangeSetID, StackID: got.StackID,
		StackName: got.StackName, Description: got.Description, Parameters: toCFNParams(got.Parameters),
		CreationTime: query.CFNTime(got.CreationTime), ExecutionStatus: got.ExecutionStatus,
		Status: got.Status, StatusReason: got.StatusReason, NotificationARNs: query.Members[string]{},
		Capabilities: got.Capabilities, Tags: query.TagList(got.Tags), Changes: query.Members[cfnChange]{},
	}
	for _, ch := range got.Changes {
		out.Changes = append(out.Changes, cfnChange{Type: "Resource", ResourceChange: cfnResourceChange{
			Action: ch.Action, LogicalResourceID: ch.LogicalResourceID,
			PhysicalResourceID: ch.PhysicalResourceID, ResourceType: ch.ResourceType,
			Replacement: ch.Replacement, Scope: query.Members[string]{}, Details: query.Members[string]{},
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
	CreationTime        query.CFNTime
	Description         string `xml:",omitempty"`
	IncludeNestedStacks bool
}

func cfnListChangeSets(c *call) (any, error) {
	b, name, err := cfnStackOp(c, true)
	if err != nil {
		return nil, err
	}
	css, err := b.ListChangeSets(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct {
		Summaries query.Members[cfnChangeSetSummary]
	}{Summaries: query.Members[cfnChangeSetSummary]{}}
	for _, cs := range css {
		out.Summaries = append(out.Summaries, cfnChangeSetSummary{
			StackID: cs.StackID, StackName: cs.StackName, ChangeSetID: cs.ChangeSetID,
			ChangeSetName: cs.ChangeSetName, ExecutionStatus: cs.ExecutionStatus, Status: cs.Status,
			StatusReason: cs.StatusReason, CreationTime: query.CFNTime(cs.CreationTime), Description: cs.Description,
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
	if err := b.ExecuteChangeSet(c.Ctx, name, cs); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func cfnDeleteChangeSet(c *call) (any, error) {
	b, name, cs, err := changeSetTarget(c)
	if err != nil {
		return nil, err
	}
	if err := b.DeleteChangeSet(c.Ctx, name, cs); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
