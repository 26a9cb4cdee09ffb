package sam

import (
	"fmt"
	"slices"
	"strings"
)

// Pull event sources of functions (samtranslator/model/eventsources/pull.py):
// SQS, Kinesis and DynamoDB events become an AWS::Lambda::EventSourceMapping
// {Fn}{Event}, and the generated execution role gets the AWS managed policy
// that lets Lambda read the source. iamgate serves neither the sources nor
// event source mappings: such a template fails at change-set creation naming
// them, as CloudFormation names types it does not have.

type pullSource struct {
	arnProp  string   // the property holding the source's ARN
	required []string // besides arnProp
	policy   string   // AWS managed policy added to the generated role
}

var pullSources = map[string]pullSource{
	"SQS":      {arnProp: "Queue", policy: "service-role/AWSLambdaSQSQueueExecutionRole"},
	"Kinesis":  {arnProp: "Stream", required: []string{"StartingPosition"}, policy: "service-role/AWSLambdaKinesisExecutionRole"},
	"DynamoDB": {arnProp: "Stream", required: []string{"StartingPosition"}, policy: "service-role/AWSLambdaDynamoDBExecutionRole"},
}

// esmProps are the event properties copied onto the mapping, in the
// translator's order.
var esmProps = []string{
	"StartingPosition", "StartingPositionTimestamp", "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds",
	"MaximumRetryAttempts", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds", "ParallelizationFactor",
	"Topics", "Queues", "SourceAccessConfigurations", "TumblingWindowInSeconds", "FunctionResponseTypes",
	"FilterCriteria", "KmsKeyArn", "ScalingConfig", "ProvisionedPollerConfig", "MetricsConfig", "LoggingConfig",
}

func (x *translator) pullEvent(fid, eid, typ string, ep, attrs map[string]any, role *resource) (resource, *samError) {
	src := pullSources[typ]
	for _, k := range append([]string{src.arnProp}, src.required...) {
		if ep[k] == nil {
			return resource{}, resourceError(fid+eid, fmt.Sprintf("Missing required property '%s'.", k))
		}
	}
	logical := fid + eid
	esm := newResource(logical, "AWS::Lambda::EventSourceMapping", attrs)
	esm.set("FunctionName", x.target(fid).name())
	esm.set("EventSourceArn", ep[src.arnProp])
	for _, k := range esmProps {
		esm.set(k, deepCopy(ep[k]))
	}
	if fc, ok := ep["FilterCriteria"].(map[string]any); ok && len(fc) > 0 && !isIntrinsic(fc) {
		if _, has := fc["Filters"]; len(fc) != 1 || !has {
			return resource{}, eventError(fid, eid, "FilterCriteria field has a wrong format")
		}
	}
	var destPolicy map[string]any
	if dc, ok := deepCopy(ep["DestinationConfig"]).(map[string]any); ok && len(dc) > 0 {
		onFailure, ok := dc["OnFailure"].(map[string]any)
		if !ok {
			return resource{}, eventError(fid, logical, "Property 'DestinationConfig.OnFailure' should be a map.")
		}
		if t, has := onFailure["Type"]; has && truthy(t) {
			delete(onFailure, "Type")
			dest := onFailure["Destination"]
			switch t {
			case "SQS":
				destPolicy = namedPolicy(logical+"SQSPolicy", statement("sqs:SendMessage", dest))
			case "SNS":
				destPolicy = namedPolicy(logical+"SNSPolicy", statement("sns:publish", dest))
			case "S3":
				destPolicy = namedPolicy(logical+"S3Policy",
					statement("s3:PutObject", map[string]any{"Fn::Join": []any{"/", []any{dest, "*"}}}),
					statement("s3:ListBucket", dest))
			case "Kafka":
			default:
				return resource{}, eventError(fid, logical, "The only valid values for 'Type' are 'SQS', 'SNS', 'S3', and 'Kafka'")
			}
		}
		esm.set("DestinationConfig", dc)
	}
	if role != nil {
		linkPolicy(role, x.awsPolicyARN(src.policy), destPolicy)
	}
	return esm, nil
}

func statement(action string, res any) map[string]any {
	return map[string]any{"Action": action, "Effect": "Allow", "Resource": res}
}

func namedPolicy(name string, statements ...any) map[string]any {
	return map[string]any{"PolicyName": name, "PolicyDocument": map[string]any{"Statement": statements}}
}

// linkPolicy adds a pull source's managed policy and destination policy to
// the generated role, skipping what it already has (a destination policy
// with the same document under another name included).
func linkPolicy(role *resource, managed string, dest map[string]any) {
	arns, _ := role.props["ManagedPolicyArns"].([]any)
	if !slices.Contains(arns, any(managed)) {
		role.props["ManagedPolicyArns"] = append(arns, managed)
	}
	if dest == nil {
		return
	}
	docs, _ := role.props["Policies"].([]any)
	for _, d := range docs {
		if dm, ok := d.(map[string]any); ok && canonicalJSON(dm["PolicyDocument"]) == canonicalJSON(dest["PolicyDocument"]) {
			return
		}
	}
	role.props["Policies"] = append(docs, dest)
}

// ruleEvent is a Schedule, CloudWatchEvent or EventBridgeRule event: an
// AWS::Events::Rule {Fn}{Event} targeting the function, and the permission
// letting EventBridge invoke it for that rule.
func (x *translator) ruleEvent(fid, eid, typ string, ep, attrs map[string]any) ([]resource, *samError) {
	logical := fid + eid
	rule := newResource(logical, "AWS::Events::Rule", attrs)
	if typ == "Schedule" {
		if ep["Schedule"] == nil {
			return nil, resourceError(fid+eid, "Missing required property 'Schedule'.")
		}
		rule.set("ScheduleExpression", ep["Schedule"])
		rule.set("Name", ep["Name"])
		rule.set("Description", ep["Description"])
	} else {
		rule.set("EventBusName", ep["EventBusName"])
		rule.set("EventPattern", ep["Pattern"])
		rule.set("Name", ep["RuleName"])
	}
	if truthy(ep["State"]) && ep["Enabled"] != nil {
		return nil, eventError(fid, eid, "State and Enabled Properties cannot both be specified.")
	}
	if truthy(ep["State"]) {
		rule.set("State", ep["State"])
	}
	if en, ok := ep["Enabled"].(bool); ok {
		rule.set("State", map[bool]string{true: "ENABLED", false: "DISABLED"}[en])
	}
	ruleEP := ep
	if typ == "Schedule" {
		// A Schedule's target Id is always generated.
		ruleEP = copyMap(ep)
		delete(ruleEP, "Target")
	}
	target, dlq, msg := ruleTarget(logical, "LambdaTarget", ruleEP, x.target(fid).arn(), attrs)
	if msg != "" {
		return nil, eventError(fid, logical, msg)
	}
	if typ != "Schedule" {
		for _, k := range []string{"InputPath", "InputTransformer"} {
			if v, has := ep[k]; has && v != nil {
				target[k] = v
			}
		}
	}
	rule.set("Targets", []any{target})
	perm := newResource(permissionID(fid, eid), "AWS::Lambda::Permission", attrs)
	perm.set("Action", "lambda:InvokeFunction")
	perm.set("FunctionName", x.target(fid).name())
	perm.set("Principal", "events.amazonaws.com")
	perm.set("SourceArn", getAtt(logical, "Arn"))
	return append(append([]resource{rule}, dlq...), perm), nil
}

// snsEvent subscribes the function to a topic and lets SNS invoke it; with
// SqsSubscription a queue (new, or the given QueueArn/QueueUrl) sits
// between them, fed by the topic and read through an event source mapping.
func (x *translator) snsEvent(fid, eid string, ep, attrs map[string]any, role *resource) ([]resource, *samError) {
	if ep["Topic"] == nil {
		return nil, resourceError(fid+eid, "Missing required property 'Topic'.")
	}
	logical := fid + eid
	subscription := func(protocol string, endpoint any) resource {
		sub := newResource(logical, "AWS::SNS::Subscription", attrs)
		sub.set("Protocol", protocol)
		sub.set("Endpoint", endpoint)
		sub.set("TopicArn", ep["Topic"])
		for _, k := range []string{"Region", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy"} {
			sub.set(k, ep[k])
		}
		return sub
	}
	sqsSub := ep["SqsSubscription"]
	if !truthy(sqsSub) {
		perm := newResource(permissionID(fid, eid), "AWS::Lambda::Permission", attrs)
		perm.set("Action", "lambda:InvokeFunction")
		perm.set("FunctionName", x.target(fid).name())
		perm.set("Principal", "sns.amazonaws.com")
		perm.set("SourceArn", ep["Topic"])
		return []resource{perm, subscription("lambda", x.target(fid).arn())}, nil
	}
	var out []resource
	var queueArn, queueURL, policyID, batch any
	policyID = logical + "QueuePolicy"
	if _, isBool := sqsSub.(bool); isBool {
		queue := newResource(logical+"Queue", "AWS::SQS::Queue", attrs)
		// The translator copies the topic's FifoTopic as it resolves,
		// whenever it is truthy.
		if f := x.fifoTopic(ep["Topic"]); truthy(f) {
			queue.set("FifoQueue", f)
		}
		out = append(out, queue)
		queueArn, queueURL = getAtt(queue.id, "Arn"), ref(queue.id)
	} else {
		m, ok := sqsSub.(map[string]any)
		if !ok {
			return nil, eventError(fid, eid, "Property 'SqsSubscription' should be a map.")
		}
		queueArn, queueURL = m["QueueArn"], m["QueueUrl"]
		if !truthy(queueArn) || !truthy(queueURL) {
			return nil, eventError(fid, eid, "No QueueARN or QueueURL provided.")
		}
		if truthy(m["QueuePolicyLogicalId"]) {
			policyID = m["QueuePolicyLogicalId"]
		}
		batch = m["BatchSize"]
	}
	if !truthy(batch) {
		batch = 10
	}
	policy := newResource(pyStr(policyID), "AWS::SQS::QueuePolicy", attrs)
	policy.set("PolicyDocument", map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": "sqs:SendMessage", "Effect": "Allow", "Principal": "*", "Resource": queueArn,
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": ep["Topic"]}},
		}},
	})
	policy.set("Queues", []any{queueURL})
	// The translator enables the mapping whatever SqsSubscription.Enabled says.
	esm, err := x.pullEvent(fid, eid+"EventSourceMapping", "SQS", map[string]any{"Queue": queueArn, "BatchSize": batch, "Enabled": true}, attrs, role)
	if err != nil {
		return nil, err
	}
	return append(out, esm, policy, subscription("sqs", queueArn)), nil
}

// fifoTopic is the FifoTopic (parameters resolved) of the template's
// resource that topic Refs.
func (x *translator) fifoTopic(topic any) any {
	r, _ := x.res[logicalIDOf(topic)].(map[string]any)
	p, _ := r["Properties"].(map[string]any)
	return x.resolveParams(p["FifoTopic"])
}

// logicalIDOf is the logical ID a Ref or Fn::GetAtt names ("" otherwise),
// as the translator's get_logical_id_from_intrinsic reads it.
func logicalIDOf(v any) string {
	m, _ := v.(map[string]any)
	if !isIntrinsic(m) {
		return ""
	}
	if id, ok := m["Ref"].(string); ok {
		return id
	}
	switch g := m["Fn::GetAtt"].(type) {
	case []any:
		if len(g) == 2 {
			id, _ := g[0].(string)
			return id
		}
	case string:
		if id, attr, ok := strings.Cut(g, "."); ok && !strings.Contains(attr, ".") {
			return id
		}
	}
	return ""
}
