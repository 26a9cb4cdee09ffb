// Package sam expands the AWS::Serverless-2016-10-31 transform into plain
// CloudFormation, producing the logical IDs, resources and OpenAPI bodies that
// AWS's own translator (the samtranslator Python package) produces, so that a
// template deployed here ends up with the same resources as on AWS.
//
// It owns AWS::Serverless::Function (with its execution role, policies and Api
// events), AWS::Serverless::Api (RestApi, Deployment, Stage, AWS_IAM auth,
// resource policies, Cors), the implicit ServerlessRestApi, and the Globals
// section; SAM policy templates (the translator's own policy_templates.json,
// see policy_templates.SOURCE.md), AWS managed policy names (the
// internal/iam/awspolicy catalog), conditional roles, and references to
// generated resources (MyApi.Stage, MyApi.Deployment); and
// AWS::Serverless::HttpApi (ApiGatewayV2 Api with the OpenAPI body SAM
// edits: CorsConfiguration, Auth with EnableIamAuthorizer/DefaultAuthorizer
// and JWT authorizers, tags, Name, Description, FailOnWarnings, and an
// auto-deployed Stage), HttpApi events with the implicit ServerlessHttpApi,
// and Globals.HttpApi; AWS::Serverless::StateMachine (statemachine.go, with
// its Api, Schedule and EventBridgeRule events) and AWS::Serverless::SimpleTable
// (simpletable.go); the other event sources of functions: S3, AlexaSkill,
// SNS, Schedule, CloudWatchEvent and EventBridgeRule (push_event.go) and
// SQS, Kinesis and DynamoDB (pull_event.go); PropagateTags (tags.go). Lambda (REQUEST) authorizers
// and Domain of HTTP APIs are refused with a clear error.
// It does not parse templates or evaluate intrinsics (package cfn does) and
// does not deploy anything (package stack does). The intrinsics SAM resolves
// itself (parameter Refs in Auth and Tracing) are resolved here from
// Options.Parameters.
//
// It follows the AWS SAM Developer Guide pages "AWS::Serverless::Function",
// "AWS::Serverless::Api", "Globals section of the AWS SAM template" and
// "Generated AWS CloudFormation resources for AWS SAM".
//
// One deliberate difference: the Deployment logical ID suffix and its
// "RestApi deployment id" description are a SHA-1 over a canonical JSON
// encoding (sorted keys, no spaces) of the OpenAPI body plus the OpenApiVersion,
// where the translator hashes Python's str() of the body. The suffix changes
// exactly when the body changes, which is what CloudFormation needs to
// redeploy, but its value differs from the translator's.
//
// The translator's quirks are kept on purpose, since they decide the names
// and bodies CloudFormation sees on AWS: a StageName given as an intrinsic
// (StageName: !Ref StageName, as in the seed) yields the Stage "{Api}Stage"
// and the permission suffix "Stage"; and for an OpenAPI 3 body the generated
// securityDefinitions replace components.securitySchemes instead of merging
// into it (the seed's awsSigv4 scheme is dropped, AWS_IAM is added).
package sam
