package controlplane

import (
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/stack"
)

// CloudFormation over the query protocol, version 2010-05-15.
// Shapes: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Operations.html
// Resources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html

func (h *Handler) cfnService() *queryService {
	return &queryService{
		name:      "cloudformation",
		namespace: awserr.CloudFormationNamespace,
		version:   "2010-05-15",
		ops: map[string]op{
			"DescribeStacks":         cfnDescribeStacks,
			"ListStacks":             cfnListStacks,
			"CreateStack":            cfnCreateStack,
			"UpdateStack":            cfnUpdateStack,
			"DeleteStack":            cfnDeleteStack,
			"DescribeStackEvents":    cfnDescribeStackEvents,
			"DescribeStackResources": cfnDescribeStackResources,
			"DescribeStackResource":  cfnDescribeStackResource,
			"ListStackResources":     cfnListStackResources,
			"GetTemplate":            cfnGetTemplate,
			"ValidateTemplate":       cfnValidateTemplate,
			"GetTemplateSummary":     cfnGetTemplateSummary,
			"CreateChangeSet":        cfnCreateChangeSet,
			"DescribeChangeSet":      cfnDescribeChangeSet,
			"ListChangeSets":         cfnListChangeSets,
			"ExecuteChangeSet":       cfnExecuteChangeSet,
			"DeleteChangeSet":        cfnDeleteChangeSet,
		},
	}
}

// stacks returns the backend or an internal failure when none is wired. It
// makes c's context carry the caller: the engine acts with the caller's
// authority (or a service role the caller may pass), never its own.
func (c *call) stacks() (stack.Backend, error) {
	if c.h.o.Stacks == nil {
		return nil, awserr.New(awserr.InternalFailure, "CloudFormation is not available")
	}
	c.ctx = stack.WithCaller(c.ctx, c.caller)
	return c.h.o.Stacks, nil
}

// stackARN is the resource an action on stack name is authorized against:
// the stack id itself when given one, else arn:aws:cloudformation:R:A:stack/NAME/*.
func (c *call) stackARN(name string) string {
	if name == "" {
		return "*"
	}
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/*", c.h.o.Region, c.account(), name)
}

// cfnStackOp authorizes cloudformation:ACTION on the StackName member and
// returns the backend and the name.
func cfnStackOp(c *call, required bool) (stack.Backend, string, error) {
	name := c.p.get("StackName")
	if required {
		var err error
		if name, err = c.p.required("StackName"); err != nil {
			return nil, "", err
		}
	}
	if err := c.authorize("cloudformation:"+c.action, c.stackARN(name)); err != nil {
		return nil, "", err
	}
	b, err := c.stacks()
	return b, name, err
}

type cfnParameter struct {
	ParameterKey     string
	ParameterValue   string `xml:",omitempty"`
	UsePreviousValue bool   `xml:",omitempty"`
}

type cfnOutput struct {
	OutputKey   string
	OutputValue string
	Description string `xml:",omitempty"`
	ExportName  string `xml:",omitempty"`
}

type cfnDrift struct {
	StackDriftStatus string
}

type cfnStack struct {
	StackID                     string `xml:"StackId"`
	StackName                   string
	ChangeSetID                 string                `xml:"ChangeSetId,omitempty"`
	Description                 string                `xml:",omitempty"`
	Parameters                  members[cfnParameter] `xml:",omitempty"`
	CreationTime                cfnTime
	DeletionTime                cfnTime
	LastUpdatedTime             cfnTime
	StackStatus                 string
	StackStatusReason           string `xml:",omitempty"`
	RoleARN                     string `xml:",omitempty"`
	DisableRollback             bool
	NotificationARNs            members[string]
	Capabilities                members[string]    `xml:",omitempty"`
	Outputs                     members[cfnOutput] `xml:",omitempty"`
	Tags                        members[tag]
	EnableTerminationProtection bool
	DriftInformation            cfnDrift
}

func toCFNStack(s stack.Stack) cfnStack {
	out := cfnStack{
		StackID: s.StackID, StackName: s.StackName, ChangeSetID: s.ChangeSetID,
		Description: s.Description, Parameters: toCFNParams(s.Parameters),
		CreationTime: cfnTime(s.CreationTime), DeletionTime: cfnTime(s.DeletionTime),
		LastUpdatedTime: cfnTime(s.LastUpdatedTime), StackStatus: s.StackStatus,
		StackStatusReason: s.StackStatusReason, RoleARN: s.RoleARN, NotificationARNs: members[string]{},
		Capabilities: s.Capabilities, Tags: tagList(s.Tags),
		DriftInformation: cfnDrift{"NOT_CHECKED"},
	}
	if out.Tags == nil {
		out.Tags = members[tag]{}
	}
	for _, o := range s.Outputs {
		out.Outputs = append(out.Outputs, cfnOutput{OutputKey: o.Key, OutputValue: o.Value, Description: o.Description, ExportName: o.ExportName})
	}
	return out
}

func toCFNParams(ps []stack.Parameter) members[cfnParameter] {
	var out members[cfnParameter]
	for _, p := range ps {
		out = append(out, cfnParameter{ParameterKey: p.Key, ParameterValue: p.Value, UsePreviousValue: p.UsePreviousValue})
	}
	return out
}

func cfnDescribeStacks(c *call) (any, error) {
	b, name, err := cfnStackOp(c, false)
	if err != nil {
		return nil, err
	}
	ss, err := b.DescribeStacks(c.ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct{ Stacks members[cfnStack] }{Stacks: members[cfnStack]{}}
	for _, s := range ss {
		out.Stacks = append(out.Stacks, toCFNStack(s))
	}
	return out, nil
}

type cfnStackSummary struct {
	StackID             string `xml:"StackId"`
	StackName           string
	TemplateDescription string `xml:",omitempty"`
	CreationTime        cfnTime
	LastUpdatedTime     cfnTime
	DeletionTime        cfnTime
	StackStatus         string
	StackStatusReason   string `xml:",omitempty"`
	DriftInformation    cfnDrift
}

func cfnListStacks(c *call) (any, error) {
	b, _, err := cfnStackOp(c, false)
	if err != nil {
		return nil, err
	}
	ss, err := b.ListStacks(c.ctx, c.p.list("StackStatusFilter"))
	if err != nil {
		return nil, err
	}
	out := struct{ StackSummaries members[cfnStackSummary] }{StackSummaries: members[cfnStackSummary]{}}
	for _, s := range ss {
		out.StackSummaries = append(out.StackSummaries, cfnStackSummary{
			StackID: s.StackID, StackName: s.StackName, TemplateDescription: s.Description,
			CreationTime: cfnTime(s.CreationTime), LastUpdatedTime: cfnTime(s.LastUpdatedTime),
			DeletionTime: cfnTime(s.DeletionTime), StackStatus: s.StackStatus,
			StackStatusReason: s.StackStatusReason, DriftInformation: cfnDrift{"NOT_CHECKED"},
		})
	}
	return out, nil
}

// changeSetInput decodes the members CreateStack, UpdateStack and
// CreateChangeSet share.
func changeSetInput(p params, name string) stack.ChangeSetInput {
	in := stack.ChangeSetInput{
		StackName:     name,
		ChangeSetName: p.get("ChangeSetName"),
		ChangeSetType: p.get("ChangeSetType"),
		TemplateBody:  p.get("TemplateBody"),
		TemplateURL:   p.get("TemplateURL"),
		UsePrevious:   p.boolean("UsePreviousTemplate", false),
		Capabilities:  p.list("Capabilities"),
		Tags:          p.tags("Tags"),
		Description:   p.get("Description"),
		RoleARN:       p.get("RoleARN"),
	}
	for _, m := range p.structs("Parameters") {
		in.Parameters = append(in.Parameters, stack.Parameter{
			Key: m["ParameterKey"], Value: m["ParameterValue"],
			UsePreviousValue: strings.EqualFold(m["UsePreviousValue"], "true"),
		})
	}
	return in
}

type cfnStackIDResult struct {
	StackID string `xml:"StackId"`
}

func cfnCreateStack(c *call) (any, error) {
	b, name, err := cfnStackOp(c, true)
	if err != nil {
		return nil, err
	}
	id, err := b.CreateStack(c.ctx, changeSetInput(c.p, name))
	if err != nil {
		return nil, err
	}
	return cfnStackIDResult{id}, nil
}

func cfnUpdateStack(c *call) (any, error) {
	b, name, err := cfnStackOp(c, true)
	if err != nil {
		return nil, err
	}
	id, err := b.UpdateStack(c.ctx, changeSetInput(c.p, name))
	if err != nil {
		return nil, err
	}
	return cfnStackIDResult{id}, nil
}

// cfnDeleteStack has no result element: DeleteStack's output is empty.
func cfnDeleteStack(c *call) (any, error) {
	b, name, err := cfnStackOp(c, true)
	if err != nil {
		return nil, err
	}
	return nil, b.DeleteStack(c.ctx, name, c.p.get("RoleARN"))
}

type cfnEvent struct {
	StackID              string `xml:"StackId"`
	EventID              string `xml:"EventId"`
	StackName            string
	LogicalResourceID    string `xml:"LogicalResourceId"`
	PhysicalResourceID   string `xml:"PhysicalResourceId"`
	ResourceType         string
	Timestamp            cfnTime
	ResourceStatus       string
	ResourceStatusReason string `xml:",omitempty"`
	ResourceProperties   string `xml:",omitempty"`
}

func cfnDescribeStackEvents(c *call) (any, error) {
	b, name, err := cfnStackOp(c, false)
	if err != nil {
		return nil, err
	}
	evs, err := b.DescribeStackEvents(c.ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct{ StackEvents members[cfnEvent] }{StackEvents: members[cfnEvent]{}}
	for _, e := range evs {
		out.StackEvents = append(out.StackEvents, cfnEvent{
			StackID: e.StackID, EventID: e.EventID, StackName: e.StackName,
			LogicalResourceID: e.LogicalResourceID, PhysicalResourceID: e.PhysicalResourceID,
			ResourceType: e.ResourceType, Timestamp: cfnTime(e.Timestamp),
			ResourceStatus: e.ResourceStatus, ResourceStatusReason: e.ResourceStatusReason,
			ResourceProperties: e.ResourceProperties,
		})
	}
	return out, nil
}

type cfnResourceDrift struct {
	StackResourceDriftStatus string
}

type cfnResource struct {
	StackName            string `xml:",omitempty"`
	StackID              string `xml:"StackId,omitempty"`
	LogicalResourceID    string `xml:"LogicalResourceId"`
	PhysicalResourceID   string `xml:"PhysicalResourceId,omitempty"`
	ResourceType         string
	Timestamp            cfnTime
	LastUpdatedTimestamp cfnTime
	ResourceStatus       string
	ResourceStatusReason string `xml:",omitempty"`
	DriftInformation     cfnResourceDrift
}

// toCFNResource shapes r for DescribeStackResources (timestamp "Timestamp")
// or, when summary, for ListStackResources and DescribeStackResource
// ("LastUpdatedTimestamp", and no stack fields for the summary).
func toCFNResource(r stack.Resource, summary, detail bool) cfnResource {
	out := cfnResource{
		LogicalResourceID: r.LogicalResourceID, PhysicalResourceID: r.PhysicalResourceID,
		ResourceType: r.ResourceType, ResourceStatus: r.ResourceStatus,
		ResourceStatusReason: r.ResourceStatusReason, DriftInformation: cfnResourceDrift{"NOT_CHECKED"},
	}
	if !summary || detail {
		out.StackName, out.StackID = r.StackName, r.StackID
	}
	if summary || detail {
		out.LastUpdatedTimestamp = cfnTime(r.Timestamp)
	} else {
		out.Timestamp = cfnTime(r.Timestamp)
	}
	return out
}

func cfnDescribeStackResources(c *call) (any, error) {
	b, name, err := cfnStackOp(c, false)
	if err != nil {
		return nil, err
	}
	if name == "" {
		// Lookup by PhysicalResourceId alone is not supported by the backend.
		return nil, awserr.New(awserr.ValidationError, "Either StackName or PhysicalResourceId must be specified.")
	}
	rs, err := b.DescribeStackResources(c.ctx, name, c.p.get("LogicalResourceId"))
	if err != nil {
		return nil, err
	}
	out := struct{ StackResources members[cfnResource] }{StackResources: members[cfnResource]{}}
	for _, r := range rs {
		out.StackResources = append(out.StackResources, toCFNResource(r, false, false))
	}
	return out, nil
}

func cfnDescribeStackResource(c *call) (any, error) {
	b, name, err := cfnStackOp(c, true)
	if err != nil {
		return nil, err
	}
	logical, err := c.p.required("LogicalResourceId")
	if err != nil {
		return nil, err
	}
	rs, err := b.DescribeStackResources(c.ctx, name, logical)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, awserr.New(awserr.ValidationError, "Resource %s does not exist for stack %s", logical, name)
	}
	return struct{ StackResourceDetail cfnResource }{toCFNResource(rs[0], true, true)}, nil
}

func cfnListStackResources(c *call) (any, error) {
	b, name, err := cfnStackOp(c, true)
	if err != nil {
		return nil, err
	}
	rs, err := b.ListStackResources(c.ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct{ StackResourceSummaries members[cfnResource] }{StackResourceSummaries: members[cfnResource]{}}
	for _, r := range rs {
		out.StackResourceSummaries = append(out.StackResourceSummaries, toCFNResource(r, true, false))
	}
	return out, nil
}

func cfnGetTemplate(c *call) (any, error) {
	b, name, err := cfnStackOp(c, false)
	if err != nil {
		return nil, err
	}
	stage := c.p.get("TemplateStage")
	if stage == "" {
		stage = "Original"
	}
	if stage != "Original" && stage != "Processed" {
		return nil, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value '%s' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]", stage)
	}
	body, err := b.GetTemplate(c.ctx, name, c.p.get("ChangeSetName"), stage)
	if err != nil {
		return nil, err
	}
	return struct {
		TemplateBody    string
		StagesAvailable members[string]
	}{body, members[string]{"Original", "Processed"}}, nil
}

type cfnTemplateParameter struct {
	ParameterKey string
	DefaultValue string `xml:",omitempty"`
	NoEcho       bool
	Description  string `xml:",omitempty"`
}

func cfnValidateTemplate(c *call) (any, error) {
	if err := c.authorize("cloudformation:ValidateTemplate", "*"); err != nil {
		return nil, err
	}
	b, err := c.stacks()
	if err != nil {
		return nil, err
	}
	body, url := c.p.get("TemplateBody"), c.p.get("TemplateURL")
	if body == "" && url == "" {
		return nil, awserr.New(awserr.ValidationError, "Either Template URL or Template Body must be specified.")
	}
	v, err := b.ValidateTemplate(c.ctx, body, url)
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters         members[cfnTemplateParameter]
		Description        string          `xml:",omitempty"`
		Capabilities       members[string] `xml:",omitempty"`
		CapabilitiesReason string          `xml:",omitempty"`
	}{Parameters: members[cfnTemplateParameter]{}, Description: v.Description, Capabilities: v.Capabilities, CapabilitiesReason: v.Reason}
	for _, p := range v.Parameters {
		out.Parameters = append(out.Parameters, cfnTemplateParameter{ParameterKey: p.Key, DefaultValue: p.DefaultValue, NoEcho: p.NoEcho, Description: p.Description})
	}
	return out, nil
}

type cfnParameterDeclaration struct {
	ParameterKey         string
	DefaultValue         string `xml:",omitempty"`
	ParameterType        string `xml:",omitempty"`
	NoEcho               bool
	Description          string `xml:",omitempty"`
	ParameterConstraints struct {
		AllowedValues members[string] `xml:",omitempty"`
	}
}

func cfnGetTemplateSummary(c *call) (any, error) {
	if err := c.authorize("cloudformation:GetTemplateSummary", "*"); err != nil {
		return nil, err
	}
	b, err := c.stacks()
	if err != nil {
		return nil, err
	}
	body, url, name := c.p.get("TemplateBody"), c.p.get("TemplateURL"), c.p.get("StackName")
	if body == "" && url == "" && name == "" {
		return nil, awserr.New(awserr.ValidationError, "Either Template URL or Template Body or StackName must be specified.")
	}
	v, err := b.GetTemplateSummary(c.ctx, body, url, name)
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters         members[cfnParameterDeclaration]
		Description        string          `xml:",omitempty"`
		Capabilities       members[string] `xml:",omitempty"`
		CapabilitiesReason string          `xml:",omitempty"`
		ResourceTypes      members[string]
		Version            string `xml:",omitempty"`
		DeclaredTransforms members[string]
	}{Parameters: members[cfnParameterDeclaration]{}, Description: v.Description, Capabilities: v.Capabilities,
		CapabilitiesReason: v.CapabilitiesReason, ResourceTypes: v.ResourceTypes, Version: v.Version, DeclaredTransforms: v.DeclaredTransforms}
	for _, p := range v.Parameters {
		d := cfnParameterDeclaration{ParameterKey: p.Key, DefaultValue: p.DefaultValue, ParameterType: p.Type, NoEcho: p.NoEcho, Description: p.Description}
		d.ParameterConstraints.AllowedValues = p.AllowedValues
		out.Parameters = append(out.Parameters, d)
	}
	return out, nil
}
