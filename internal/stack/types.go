package stack

import (
	"context"
	"time"
)

// Status values as CloudFormation reports them.
const (
	CreateInProgress         = "CREATE_IN_PROGRESS"
	CreateComplete           = "CREATE_COMPLETE"
	CreateFailed             = "CREATE_FAILED"
	RollbackInProgress       = "ROLLBACK_IN_PROGRESS"
	RollbackComplete         = "ROLLBACK_COMPLETE"
	RollbackFailed           = "ROLLBACK_FAILED"
	UpdateInProgress         = "UPDATE_IN_PROGRESS"
	UpdateCompleteCleanup    = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
	UpdateComplete           = "UPDATE_COMPLETE"
	UpdateFailed             = "UPDATE_FAILED"
	UpdateRollbackInProgress = "UPDATE_ROLLBACK_IN_PROGRESS"
	UpdateRollbackComplete   = "UPDATE_ROLLBACK_COMPLETE"
	UpdateRollbackFailed     = "UPDATE_ROLLBACK_FAILED"
	DeleteInProgress         = "DELETE_IN_PROGRESS"
	DeleteComplete           = "DELETE_COMPLETE"
	DeleteFailed             = "DELETE_FAILED"
	ReviewInProgress         = "REVIEW_IN_PROGRESS"
	DeleteSkipped            = "DELETE_SKIPPED"
)

// Stack is a stack as DescribeStacks returns it.
type Stack struct {
	StackID           string
	StackName         string
	Description       string
	StackStatus       string
	StackStatusReason string
	CreationTime      time.Time
	LastUpdatedTime   time.Time
	DeletionTime      time.Time
	Parameters        []Parameter
	Outputs           []Output
	Capabilities      []string
	Tags              map[string]string
	ChangeSetID       string
	// RoleARN is the stack's service role, used by every later operation
	// that names none.
	RoleARN string
}

// Parameter is a stack parameter value.
type Parameter struct {
	Key   string
	Value string
	// UsePreviousValue in change set input; NoEcho values are masked on output.
	UsePreviousValue bool
}

// Output is a stack output.
type Output struct {
	Key         string
	Value       string
	Description string
	ExportName  string
}

// Event is a stack event as DescribeStackEvents returns it.
type Event struct {
	EventID              string
	StackID              string
	StackName            string
	LogicalResourceID    string
	PhysicalResourceID   string
	ResourceType         string
	Timestamp            time.Time
	ResourceStatus       string
	ResourceStatusReason string
	ResourceProperties   string
}

// Resource is a stack resource as DescribeStackResources returns it.
type Resource struct {
	StackID              string
	StackName            string
	LogicalResourceID    string
	PhysicalResourceID   string
	ResourceType         string
	Timestamp            time.Time
	ResourceStatus       string
	ResourceStatusReason string
}

// ChangeSetInput is what CreateChangeSet receives.
type ChangeSetInput struct {
	StackName     string
	ChangeSetName string
	ChangeSetType string // CREATE, UPDATE, IMPORT
	TemplateBody  string
	TemplateURL   string
	UsePrevious   bool
	Parameters    []Parameter
	Capabilities  []string
	Tags          map[string]string
	Description   string
	// SourceName names the template in positions of errors ("template"
	// when empty); in-process callers pass the file's path.
	SourceName string
	// RoleARN is the service role CloudFormation acts as; "" keeps the
	// stack's, and a stack without one acts as the caller.
	RoleARN string
}

// ChangeSet is a change set as DescribeChangeSet returns it.
type ChangeSet struct {
	ChangeSetID     string
	ChangeSetName   string
	StackID         string
	StackName       string
	Description     string
	Status          string // CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, FAILED, DELETE_COMPLETE
	StatusReason    string
	ExecutionStatus string // UNAVAILABLE, AVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE
	CreationTime    time.Time
	Parameters      []Parameter
	Capabilities    []string
	Changes         []Change
	Tags            map[string]string
}

// Change is one resource change of a change set.
type Change struct {
	Action             string // Add, Modify, Remove
	LogicalResourceID  string
	PhysicalResourceID string
	ResourceType       string
	Replacement        string // True, False, Conditional
}

// Backend is what the CloudFormation protocol handlers call. The stack
// Engine implements it; every error is an *awserr.Error (ValidationError,
// ChangeSetNotFound, InsufficientCapabilitiesException, AlreadyExistsException,
// AccessDenied). Methods that deploy or read a template act for the caller
// WithCaller put in ctx.
type Backend interface {
	DescribeStacks(ctx context.Context, name string) ([]Stack, error) // name "" = all live stacks; name may be a stack id
	ListStacks(ctx context.Context, statusFilter []string) ([]Stack, error)
	CreateChangeSet(ctx context.Context, in ChangeSetInput) (ChangeSet, error)
	DescribeChangeSet(ctx context.Context, stackName, changeSet string) (ChangeSet, error)
	ListChangeSets(ctx context.Context, stackName string) ([]ChangeSet, error)
	ExecuteChangeSet(ctx context.Context, stackName, changeSet string) error
	DeleteChangeSet(ctx context.Context, stackName, changeSet string) error
	CreateStack(ctx context.Context, in ChangeSetInput) (string, error)
	UpdateStack(ctx context.Context, in ChangeSetInput) (string, error)
	DeleteStack(ctx context.Context, name, roleARN string) error
	DescribeStackEvents(ctx context.Context, name string) ([]Event, error)
	DescribeStackResources(ctx context.Context, name, logicalID string) ([]Resource, error)
	ListStackResources(ctx context.Context, name string) ([]Resource, error)
	GetTemplate(ctx context.Context, name, changeSet, stage string) (string, error) // stage Original|Processed
	ValidateTemplate(ctx context.Context, body, url string) (ValidateResult, error)
	GetTemplateSummary(ctx context.Context, body, url, stackName string) (TemplateSummary, error)
}

// TemplateSummary is GetTemplateSummary's answer: what the template declares,
// before any transform runs.
type TemplateSummary struct {
	Description        string
	Parameters         []TemplateParameter
	Capabilities       []string
	CapabilitiesReason string
	ResourceTypes      []string
	Version            string
	DeclaredTransforms []string
}

// ValidateResult is ValidateTemplate's answer.
type ValidateResult struct {
	Description  string
	Parameters   []TemplateParameter
	Capabilities []string
	Reason       string
}

// TemplateParameter is a declared parameter of a template.
type TemplateParameter struct {
	Key           string
	DefaultValue  string
	NoEcho        bool
	Description   string
	Type          string
	AllowedValues []string
}
