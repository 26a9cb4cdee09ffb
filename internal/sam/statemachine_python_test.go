package sam

import (
	"maps"
	"slices"
	"testing"

	"github.com/iamgate/iamgate/internal/cfn"
)

// matchPython transforms each YAML template with this package and with the
// installed samtranslator, and compares the outputs (or error messages).
func matchPython(t *testing.T, cases map[string]string) {
	t.Helper()
	py := needTranslator(t)
	var tpls []templateCase
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		tpl, err := cfn.Parse(name+".yaml", []byte(cases[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tpl.Root["Transform"] = TransformName
		tpls = append(tpls, templateCase{name, tpl.Root})
	}
	comparePython(t, py, tpls, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "s",
		ManagedPolicyARN: func(n string) (string, bool) {
			return "arn:aws:iam::aws:policy/service-role/" + n, n == "AWSLambdaBasicExecutionRole"
		}}, sameTemplate)
}

// inlineFn is the function most cases here subscribe: a Python function
// with inline code (each case adds its Events, Tags and the rest, indented
// under Properties).
const inlineFn = `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
`

// TestStateMachineMatchesPythonTranslator: AWS::Serverless::StateMachine
// (definition string and substitutions, role, policies, tracing, alias,
// Api/Schedule/EventBridgeRule events) comes out as samtranslator makes it.
func TestStateMachineMatchesPythonTranslator(t *testing.T) {
	const fn = `
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: s3://b/k.zip}
`
	matchPython(t, map[string]string{
		"definition": `
Parameters:
  P: {Type: String, Default: x}
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: machine
      Type: EXPRESS
      Logging: {Level: ALL}
      Tracing: {Enabled: true}
      Tags: {team: a}
      DefinitionSubstitutions: {Own: v}
      Policies:
        - LambdaInvokePolicy: {FunctionName: !Ref Fn}
        - AWSLambdaRole
        - Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]
      Definition:
        Comment: "héllo <&> \u2028"
        StartAt: A
        States:
          A:
            Type: Task
            Resource: !GetAtt Fn.Arn
            Parameters: {N: 1, F: 1.5, Big: 1.0e+21, Small: 0.00001, L: [!Ref P, "{{resolve:ssm:/p}}", x], E: {}, Z: []}
            Next: B
          B: {Type: Succeed}
` + fn,
		"definition uri": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: {Bucket: b, Key: k, Version: "3"}
      Role: arn:aws:iam::000000000000:role/r
      AutoPublishAlias: live
      UseAliasAsEventTarget: true
      Events:
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 minute), Enabled: false, Input: "{}"}}
`,
		"api and rules": `
Conditions:
  C: !Equals [a, a]
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Condition: C
    Properties:
      DefinitionUri: s3://b/k?versionId=2
      PermissionsBoundary: arn:aws:iam::000000000000:policy/pb
      Events:
        Post:
          Type: Api
          Properties: {Path: /start, Method: POST}
        Raw:
          Type: Api
          Properties: {Path: /raw, Method: put, UnescapeMappingTemplate: true}
        Bus:
          Type: EventBridgeRule
          Properties:
            Pattern: {source: [my.app]}
            InputPath: $.detail
            RetryPolicy: {MaximumRetryAttempts: 2}
            DeadLetterConfig: {Type: SQS}
        Tick:
          Type: Schedule
          Properties: {Schedule: rate(5 minutes), DeadLetterConfig: {Arn: arn:aws:sqs:us-east-1:000000000000:q}, Target: {Id: mine}}
`,
		"explicit api with auth": `
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth: {DefaultAuthorizer: AWS_IAM}
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
      Events:
        Get:
          Type: Api
          Properties: {Path: /go, Method: get, RestApiId: !Ref Api, Auth: {Authorizer: NONE}}
`,
		"error both definitions": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: s3://b/k, Definition: {StartAt: A}}
`,
		"error no definition": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties: {Role: r}
`,
		"error role and policies": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: s3://b/k, Role: r, Policies: [AWSLambdaRole]}
`,
		"error alias target": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: s3://b/k, UseAliasAsEventTarget: true}
`,
		"error unknown property": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: s3://b/k, Runtime: x}
`,
	})
}

// TestPushEventsMatchPythonTranslator: S3 and AlexaSkill events of
// functions (permission, bucket notification, DependsOn or the conditional
// dependency tag) come out as samtranslator makes them.
func TestPushEventsMatchPythonTranslator(t *testing.T) {
	matchPython(t, map[string]string{
		"s3 two events one bucket": `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: Other
    Properties:
      NotificationConfiguration:
        LambdaConfigurations: [{Event: "s3:ObjectRemoved:*", Function: arn:aws:lambda:us-east-1:000000000000:function:f}]
  Other: {Type: AWS::S3::Bucket}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: s3://b/k.zip
      AutoPublishAlias: live
      Events:
        Up:
          Type: S3
          Properties:
            Bucket: !Ref Bucket
            Events: ["s3:ObjectCreated:*", "s3:ObjectCreated:*", "s3:ObjectRestore:*"]
            Filter: {S3Key: {Rules: [{Name: suffix, Value: .jpg}]}}
        Down:
          Type: S3
          Properties: {Bucket: !Ref Bucket, Events: "s3:ObjectRemoved:*"}
        Skill: {Type: AlexaSkill, Properties: {SkillId: amzn1.ask.skill.1}}
`,
		"s3 conditional function": `
Conditions:
  C: !Equals [a, b]
Resources:
  Bucket: {Type: AWS::S3::Bucket, Properties: {Tags: [{Key: k, Value: v}]}}
  Fn:
    Type: AWS::Serverless::Function
    Condition: C
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Up: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: "s3:ObjectCreated:Put"}}
`,
		"error s3 bucket not in template": `
Resources:
` + inlineFn + `      Events:
        Up: {Type: S3, Properties: {Bucket: my-bucket, Events: "s3:ObjectCreated:*"}}
`,
		"error s3 lambda configurations": `
Resources:
  Bucket: {Type: AWS::S3::Bucket, Properties: {NotificationConfiguration: {LambdaConfigurations: x}}}
` + inlineFn + `      Events:
        Up: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: "s3:ObjectCreated:*"}}
`,
	})
}

// TestPullAndRuleEventsMatchPythonTranslator: SQS, Kinesis, DynamoDB,
// Schedule, EventBridgeRule and SNS events of functions (mapping or rule,
// permission, policies on the generated role) come out as samtranslator
// makes them.
func TestPullAndRuleEventsMatchPythonTranslator(t *testing.T) {
	fn := func(events string) string {
		return `
Resources:
  Q: {Type: AWS::SQS::Queue}
` + inlineFn + `      Policies: [AWSLambdaSQSQueueExecutionRole]
      Events:
` + events
	}
	matchPython(t, map[string]string{
		"pull": fn(`
        Queue:
          Type: SQS
          Properties: {Queue: !GetAtt Q.Arn, BatchSize: 5, FunctionResponseTypes: [ReportBatchItemFailures], FilterCriteria: {Filters: [{Pattern: "{}"}]}}
        Stream:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:000000000000:stream/s
            StartingPosition: LATEST
            DestinationConfig: {OnFailure: {Type: SQS, Destination: !GetAtt Q.Arn}}
        Table:
          Type: DynamoDB
          Properties:
            Stream: arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x
            StartingPosition: TRIM_HORIZON
            DestinationConfig: {OnFailure: {Type: SQS, Destination: !GetAtt Q.Arn}}
`),
		"rules and sns": fn(`
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 minute), Enabled: false, Name: n, Input: "{}", DeadLetterConfig: {Type: SQS}}}
        Bus:
          Type: EventBridgeRule
          Properties: {Pattern: {source: [a]}, RuleName: r, Target: {Id: t}, InputPath: $.detail, State: DISABLED}
        Old: {Type: CloudWatchEvent, Properties: {Pattern: {source: [b]}, DeadLetterConfig: {Arn: arn:aws:sqs:us-east-1:000000000000:d}}}
        Topic: {Type: SNS, Properties: {Topic: arn:aws:sns:us-east-1:000000000000:t, FilterPolicy: {a: [b]}}}
`),
		"error pull missing": fn(`
        Stream: {Type: Kinesis, Properties: {Stream: arn:aws:kinesis:us-east-1:000000000000:stream/s}}
`),
		"error filter criteria": fn(`
        Queue: {Type: SQS, Properties: {Queue: !GetAtt Q.Arn, FilterCriteria: {Pattern: x}}}
`),
		"error schedule state": fn(`
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 minute), Enabled: true, State: ENABLED}}
`),
		"error schedule dlq": fn(`
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 minute), DeadLetterConfig: {Type: SNS}}}
`),
		"state machine bare errors": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: s3://b/k
      Events:
        E: {Type: Schedule, Properties: {Schedule: x, DeadLetterConfig: {Type: SNS}}}
        F: {Type: Schedule, Properties: {Schedule: x, State: ENABLED, Enabled: true}}
`,
	})
}

// TestEventRequiredPropertiesMatchPythonTranslator: a missing required
// property of an event is reported on the event's logical ID, as the
// translator's property validation does.
func TestEventRequiredPropertiesMatchPythonTranslator(t *testing.T) {
	cases := map[string]string{}
	for name, ev := range map[string]string{
		"schedule": "{Type: Schedule, Properties: {}}",
		"sns":      "{Type: SNS, Properties: {}}",
		"sqs":      "{Type: SQS, Properties: {}}",
		"s3":       "{Type: S3, Properties: {Bucket: !Ref B}}",
		"kinesis":  "{Type: Kinesis, Properties: {Stream: x}}",
		"alexa":    "{Type: AlexaSkill}",
	} {
		cases["function "+name] = `
Resources:
  B: {Type: AWS::S3::Bucket}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, InlineCode: x, Events: {E: ` + ev + `}}
`
	}
	cases["state machine schedule"] = `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: s3://b/k, Events: {E: {Type: Schedule, Properties: {}}}}
`
	cases["state machine api method"] = `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: s3://b/k, Events: {E: {Type: Api, Properties: {Path: /x}}}}
`
	matchPython(t, cases)
}

// TestSimpleTableMatchesPythonTranslator: AWS::Serverless::SimpleTable
// becomes the AWS::DynamoDB::Table samtranslator makes, Globals included.
func TestSimpleTableMatchesPythonTranslator(t *testing.T) {
	matchPython(t, map[string]string{
		"default": "Resources:\n  T: {Type: AWS::Serverless::SimpleTable}\n",
		"full": `
Globals:
  SimpleTable: {SSESpecification: {SSEEnabled: true}}
Resources:
  T:
    Type: AWS::Serverless::SimpleTable
    DeletionPolicy: Retain
    Properties:
      PrimaryKey: {Name: pk, Type: Number}
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
      TableName: !Sub "${AWS::StackName}-t"
      Tags: {a: b}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
`,
		"error key type":    "Resources:\n  T: {Type: AWS::Serverless::SimpleTable, Properties: {PrimaryKey: {Name: k, Type: Bool}}}\n",
		"error key missing": "Resources:\n  T: {Type: AWS::Serverless::SimpleTable, Properties: {PrimaryKey: {Name: k}}}\n",
	})
}

// TestPropagateTagsMatchesPythonTranslator: PropagateTags on functions,
// state machines and APIs tags the generated resources (and the implicit
// API) as samtranslator does.
func TestPropagateTagsMatchesPythonTranslator(t *testing.T) {
	matchPython(t, map[string]string{
		"function": `
Resources:
` + inlineFn + `      Tags: {a: b}
      PropagateTags: true
      AutoPublishAlias: live
      FunctionUrlConfig: {AuthType: NONE}
      Events:
        Get: {Type: Api, Properties: {Path: /x, Method: get}}
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 minute)}}
`,
		"globals and explicit api": `
Globals:
  Function: {PropagateTags: true, Tags: {g: h}}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: v1, Tags: {x: y}, PropagateTags: true}
` + inlineFn + `      Events:
        Get: {Type: Api, Properties: {Path: /x, Method: get, RestApiId: !Ref Api}}
        Imp: {Type: Api, Properties: {Path: /y, Method: get}}
`,
		"state machine": `
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: s3://b/k
      Tags: {a: b}
      PropagateTags: true
      Events:
        Go: {Type: Api, Properties: {Path: /go, Method: post}}
`,
	})
}

// TestSNSSqsSubscriptionMatchesPythonTranslator: an SNS event through an
// SQS queue (new, FIFO from the topic, or given) comes out as samtranslator
// makes it.
func TestSNSSqsSubscriptionMatchesPythonTranslator(t *testing.T) {
	matchPython(t, map[string]string{
		"sqs subscription": `
Parameters:
  Fifo: {Type: String, Default: "true"}
Resources:
  Topic: {Type: AWS::SNS::Topic, Properties: {FifoTopic: !Ref Fifo}}
` + inlineFn + `      Events:
        A: {Type: SNS, Properties: {Topic: !Ref Topic, SqsSubscription: true, FilterPolicy: {k: [v]}}}
        C: {Type: SNS, Properties: {Topic: !GetAtt Topic.TopicArn, SqsSubscription: true}}
        B: {Type: SNS, Properties: {Topic: arn:aws:sns:us-east-1:000000000000:t, SqsSubscription: {QueueArn: arn:aws:sqs:us-east-1:000000000000:q, QueueUrl: https://q, BatchSize: 3, Enabled: false, QueuePolicyLogicalId: MyPolicy}}}
`,
		"error sqs subscription": `
Resources:
` + inlineFn + `      Events:
        B: {Type: SNS, Properties: {Topic: arn:aws:sns:us-east-1:000000000000:t, SqsSubscription: {QueueArn: arn:q}}}
`,
	})
}
