package stack

import (
	"errors"
	"testing"

	"github.com/iamgate/iamgate/internal/awserr"
)

// TestUnrecognizedTypesListedTogether: CloudFormation refuses a template
// with types it does not have at change-set creation, naming each once, in
// one message ("Template format error: Unrecognized resource types:
// [AWS::Timestream::Table, AWS::Timestream::Database]"), including
// resources whose condition is false.
func TestUnrecognizedTypesListedTogether(t *testing.T) {
	e, _ := newEngine(t)
	body := `Conditions:
  Never: !Equals [a, b]
Resources:
  T:
    Type: AWS::Timestream::Table
  D:
    Type: AWS::Timestream::Database
  T2:
    Type: AWS::Timestream::Table
  Q:
    Type: AWS::SQS::Queue
    Condition: Never
  L:
    Type: AWS::Logs::LogGroup
`
	_, err := e.CreateChangeSet(rootCtx(), ChangeSetInput{StackName: "s", ChangeSetName: "c", ChangeSetType: "CREATE", TemplateBody: body})
	var ae *awserr.Error
	const want = "Template format error: Unrecognized resource types: [AWS::Timestream::Table, AWS::Timestream::Database, AWS::SQS::Queue]"
	if !errors.As(err, &ae) || ae.Code != awserr.ValidationError || ae.Message != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestUnservedSAMStateMachine: a SAM state machine translates (as on AWS)
// into types iamgate does not serve, and the change set fails naming them
// all, the generated ones included.
func TestUnservedSAMStateMachine(t *testing.T) {
	e, _ := newEngine(t)
	body := `Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
      Events:
        Tick:
          Type: Schedule
          Properties: {Schedule: rate(1 minute)}
`
	_, err := e.CreateChangeSet(rootCtx(), ChangeSetInput{StackName: "s", ChangeSetName: "c", ChangeSetType: "CREATE", TemplateBody: body,
		Capabilities: []string{"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}})
	var ae *awserr.Error
	const want = "Template format error: Unrecognized resource types: [AWS::StepFunctions::StateMachine, AWS::Events::Rule]"
	if !errors.As(err, &ae) || ae.Code != awserr.ValidationError || ae.Message != want {
		t.Errorf("got %v, want %s", err, want)
	}
}
