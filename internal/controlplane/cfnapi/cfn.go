package cfnapi

import (
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/stack"
)

// CloudFormation over the query protocol, version 2010-05-15.
// Shapes: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Operations.html
// Resources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html

// ops are CloudFormation's operations.
var ops = map[string]op{
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
}

// stacks returns the backend or an internal failure when none is wired. It
// makes c's context carry the caller: the engine acts with the caller's
// authority (or a service role the caller may pass), never its own.
func (c *call) stacks() (stack.Backend, error) {
	if c.o.Stacks == nil {
		return nil, awserr.New(awserr.InternalFailure, "CloudFormation is not available")
	}
	c.Ctx = stack.WithCaller(c.Ctx, c.Caller)
	return c.o.Stacks, nil
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
	return arn.CloudFormationStack(c.o.Region, c.Account(), name, "*")
}

// cfnStackOp authorizes cloudformation:ACTION on the StackName member and
// returns the backend and the name.
func cfnStackOp(c *call, required bool) (stack.Backend, string, error) {
	name := c.P.Get("StackName")
	if required {
		var err error
		if name, err = c.P.Required("StackName"); err != nil {
			return nil, "", err
		}
	}
	if err := c.Authorize("cloudformation:"+c.Action, c.stackARN(name)); err != nil {
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
	ChangeSetID                 string                      `xml:"ChangeSetId,omitempty"`
	Description                 string                      `xml:",omitempty"`
	Parameters                  query.Members[cfnParameter] `xml:",omitempty"`
	CreationTime                query.CFNTime
	DeletionTime                query.CFNTime
	LastUpdatedTime             query.CFNTime
	StackStatus                 string
	StackStatusReason           string `xml:",omitempty"`
	RoleARN                     string `xml:",omitempty"`
	DisableRollback             bool
	NotificationARNs            query.Members[string]
	Capabilities                query.Members[string]    `xml:",omitempty"`
	Outputs                     query.Members[cfnOutput] `xml:",omitempty"`
	Tags                        query.Members[query.Tag]
	EnableTerminationProtection bool
	DriftInformation            cfnDrift
}

func toCFNStack(s stack.Stack) cfnStack {
	out := cfnStack{
		StackID: s.StackID, StackName: s.StackName, ChangeSetID: s.ChangeSetID,
		Description: s.Description, Parameters: toCFNParams(s.Parameters),
		CreationTime: query.CFNTime(s.CreationTime), DeletionTime: query.CFNTime(s.DeletionTime),
		LastUpdatedTime: query.CFNTime(s.LastUpdatedTime), StackStatus: s.StackStatus,
		StackStatusReason: s.StackStatusReason, RoleARN: s.RoleARN, NotificationARNs: query.Members[string]{},
		Capabilities: s.Capabilities, Tags: query.TagList(s.Tags),
		DriftInformation: cfnDrift{"NOT_CHECKED"},
	}
	if out.Tags == nil {
		out.Tags = query.Members[query.Tag]{}
	}
	for _, o := range s.Outputs {
		out.Outputs = append(out.Outputs, cfnOutput{OutputKey: o.Key, OutputValue: o.Value, Description: o.Description, ExportName: o.ExportName})
	}
	return out
}

func toCFNParams(ps []stack.Parameter) query.Members[cfnParameter] {
	var out query.Members[cfnParameter]
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
	ss, err := b.DescribeStacks(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct{ Stacks query.Members[cfnStack] }{Stacks: query.Members[cfnStack]{}}
	for _, s := range ss {
		out.Stacks = append(out.Stacks, toCFNStack(s))
	}
	return out, nil
}

type cfnStackSummary struct {
	StackID             string `xml:"StackId"`
	StackName           string
	TemplateDescription string `xml:",omitempty"`
	CreationTime        query.CFNTime
	LastUpdatedTime     query.CFNTime
	DeletionTime        query.CFNTime
	StackStatus         string
	StackStatusReason   string `xml:",omitempty"`
	DriftInformation    cfnDrift
}

func cfnListStacks(c *call) (any, error) {
	b, _, err := cfnStackOp(c, false)
	if err != nil {
		return nil, err
	}
	ss, err := b.ListStacks(c.Ctx, c.P.List("StackStatusFilter"))
	if err != nil {
		return nil, err
	}
	out := struct {
		StackSummaries query.Members[cfnStackSummary]
	}{StackSummaries: query.Members[cfnStackSummary]{}}
	for _, s := range ss {
		out.StackSummaries = append(out.StackSummaries, cfnStackSummary{
			StackID: s.StackID, StackName: s.StackName, TemplateDescription: s.Description,
			CreationTime: query.CFNTime(s.CreationTime), LastUpdatedTime: query.CFNTime(s.LastUpdatedTime),
			DeletionTime: query.CFNTime(s.DeletionTime), StackStatus: s.StackStatus,
			StackStatusReason: s.StackStatusReason, DriftInformation: cfnDrift{"NOT_CHECKED"},
		})
	}
	return out, nil
}

// changeSetInput decodes the members CreateStack, UpdateStack and
// CreateChangeSet share.
func changeSetInput(p query.Params, name string) stack.ChangeSetInput {
	in := stack.ChangeSetInput{
		StackName:     name,
		ChangeSetName: p.Get("ChangeSetName"),
		ChangeSetType: p.Get("ChangeSetType"),
		TemplateBody:  p.Get("TemplateBody"),
		TemplateURL:   p.Get("TemplateURL"),
		UsePrevious:   p.Boolean("UsePreviousTemplate", false),
		Capabilities:  p.List("Capabilities"),
		Tags:          p.Tags("Tags"),
		Description:   p.Get("Description"),
		RoleARN:       p.Get("RoleARN"),
	}
	for _, m := range p.Structs("Parameters") {
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
	id, err := b.CreateStack(c.Ctx, changeSetInput(c.P, name))
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
	id, err := b.UpdateStack(c.Ctx, changeSetInput(c.P, name))
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
	return nil, b.DeleteStack(c.Ctx, name, c.P.Get("RoleARN"))
}

type cfnEvent struct {
	StackID              string `xml:"StackId"`
	EventID              string `xml:"EventId"`
	StackName            string
	LogicalResourceID    string `xml:"LogicalResourceId"`
	PhysicalResourceID   string `xml:"PhysicalResourceId"`
	ResourceType         string
	Timestamp            query.CFNTime
	ResourceStatus       string
	ResourceStatusReason string `xml:",omitempty"`
	ResourceProperties   string `xml:",omitempty"`
}

func cfnDescribeStackEvents(c *call) (any, error) {
	b, name, err := cfnStackOp(c, false)
	if err != nil {
		return nil, err
	}
	evs, err := b.DescribeStackEvents(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct{ StackEvents query.Members[cfnEvent] }{StackEvents: query.Members[cfnEvent]{}}
	for _, e := range evs {
		out.StackEvents = append(out.StackEvents, cfnEvent{
			StackID: e.StackID, EventID: e.EventID, StackName: e.StackName,
			LogicalResourceID: e.LogicalResourceID, PhysicalResourceID: e.PhysicalResourceID,
			ResourceType: e.ResourceType, Timestamp: query.CFNTime(e.Timestamp),
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
	Timestamp            query.CFNTime
	LastUpdatedTimestamp query.CFNTime
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
		out.LastUpdatedTimestamp = query.CFNTime(r.Timestamp)
	} else {
		out.Timestamp = query.CFNTime(r.Timestamp)
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
	rs, err := b.DescribeStackResources(c.Ctx, name, c.P.Get("LogicalResourceId"))
	if err != nil {
		return nil, err
	}
	out := struct{ StackResources query.Members[cfnResource] }{StackResources: query.Members[cfnResource]{}}
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
	logical, err := c.P.Required("LogicalResourceId")
	if err != nil {
		return nil, err
	}
	rs, err := b.DescribeStackResources(c.Ctx, name, logical)
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
	rs, err := b.ListStackResources(c.Ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct{ StackResourceSummaries query.Members[cfnResource] }{StackResourceSummaries: query.Members[cfnResource]{}}
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
	stage := c.P.Get("TemplateStage")
	if stage == "" {
		stage = "Original"
	}
	if stage != "Original" && stage != "Processed" {
		return nil, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value '%s' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]", stage)
	}
	body, err := b.GetTemplate(c.Ctx, name, c.P.Get("ChangeSetName"), stage)
	if err != nil {
		return nil, err
	}
	return struct {
		TemplateBody    string
		StagesAvailable query.Members[string]
	}{body, query.Members[string]{"Original", "Processed"}}, nil
}

type cfnTemplateParameter struct {
	ParameterKey string
	DefaultValue string `xml:",omitempty"`
	NoEcho       bool
	Description  string `xml:",omitempty"`
}

func cfnValidateTemplate(c *call) (any, error) {
	if err := c.Authorize("cloudformation:ValidateTemplate", "*"); err != nil {
		return nil, err
	}
	b, err := c.stacks()
	if err != nil {
		return nil, err
	}
	body, url := c.P.Get("TemplateBody"), c.P.Get("TemplateURL")
	if body == "" && url == "" {
		return nil, awserr.New(awserr.ValidationError, "Either Template URL or Template Body must be specified.")
	}
	v, err := b.ValidateTemplate(c.Ctx, body, url)
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters         query.Members[cfnTemplateParameter]
		Description        string                `xml:",omitempty"`
		Capabilities       query.Members[string] `xml:",omitempty"`
		CapabilitiesReason string                `xml:",omitempty"`
	}{Parameters: query.Members[cfnTemplateParameter]{}, Description: v.Description, Capabilities: v.Capabilities, CapabilitiesReason: v.Reason}
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
		AllowedValues query.Members[string] `xml:",omitempty"`
	}
}

func cfnGetTemplateSummary(c *call) (any, error) {
	if err := c.Authorize("cloudformation:GetTemplateSummary", "*"); err != nil {
		return nil, err
	}
	b, err := c.stacks()
	if err != nil {
		return nil, err
	}
	body, url, name := c.P.Get("TemplateBody"), c.P.Get("TemplateURL"), c.P.Get("StackName")
	if body == "" && url == "" && name == "" {
		return nil, awserr.New(awserr.ValidationError, "Either Template URL or Template Body or StackName must be specified.")
	}
	v, err := b.GetTemplateSummary(c.Ctx, body, url, name)
	if err != nil {
		return nil, err
	}
	out := struct {
		Parameters         query.Members[cfnParameterDeclaration]
		Description        string                `xml:",omitempty"`
		Capabilities       query.Members[string] `xml:",omitempty"`
		CapabilitiesReason string                `xml:",omitempty"`
		ResourceTypes      query.Members[string]
		Version            string `xml:",omitempty"`
		DeclaredTransforms query.Members[string]
	}{Parameters: query.Members[cfnParameterDeclaration]{}, Description: v.Description, Capabilities: v.Capabilities,
		CapabilitiesReason: v.CapabilitiesReason, ResourceTypes: v.ResourceTypes, Version: v.Version, DeclaredTransforms: v.DeclaredTransforms}
	for _, p := range v.Parameters {
		d := cfnParameterDeclaration{ParameterKey: p.Key, DefaultValue: p.DefaultValue, ParameterType: p.Type, NoEcho: p.NoEcho, Description: p.Description}
		d.ParameterConstraints.AllowedValues = p.AllowedValues
		out.Parameters = append(out.Parameters, d)
	}
	return out, nil
}
