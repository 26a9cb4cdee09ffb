package sam

import (
	"fmt"
	"strings"
)

// State machine event sources (samtranslator/model/stepfunctions/events.py):
// each gets a role {Id}{Event}Role that the source service assumes to call
// states:StartExecution on the machine; Api also adds an "aws" integration
// to a SAM-managed body, Schedule and CloudWatchEvent/EventBridgeRule an
// AWS::Events::Rule {Id}{Event} targeting the machine.

func (x *translator) stateMachineEvents(id string, p map[string]any, t stateMachineTarget) ([]resource, *samError) {
	events, _ := p["Events"].(map[string]any)
	var out []resource
	for _, eid := range sortedEventIDs(events) {
		ev, ok := events[eid].(map[string]any)
		if !ok {
			return nil, eventError(id, eid, "Event should be a map.")
		}
		ep, _ := ev["Properties"].(map[string]any)
		if ep == nil {
			ep = map[string]any{}
		}
		var rs []resource
		var err *samError
		switch ev["Type"] {
		case "Api":
			rs, err = x.stateMachineAPIEvent(id, eid, ep, t, p["PermissionsBoundary"])
		case "Schedule":
			rs, err = x.stateMachineSchedule(id, eid, ep, t, p["PermissionsBoundary"])
		case "CloudWatchEvent", "EventBridgeRule":
			rs, err = x.stateMachineRule(id, eid, ep, t, p["PermissionsBoundary"])
		default:
			err = eventError(id, eid, fmt.Sprintf("Event type '%v' is not supported by iamgate's SAM transform for state machines.", ev["Type"]))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// bareEventError is an error the translator raises from inside an event
// source's conversion: not wrapped in the resource's message.
func bareEventError(id, eid, msg string) *samError {
	return &samError{id: id, msg: fmt.Sprintf("Event with id [%s] is invalid. %s", eid, msg)}
}

// startExecutionRole is the role a service assumes to start the machine.
func startExecutionRole(logical, principal string, t stateMachineTarget, boundary any) resource {
	role := newResource(logical+"Role", "AWS::IAM::Role", t.attrs)
	role.set("AssumeRolePolicyDocument", serviceTrust(principal))
	role.set("Policies", []any{map[string]any{
		"PolicyName": role.id + "StartExecutionPolicy",
		"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
			"Action": "states:StartExecution", "Effect": "Allow", "Resource": t.ref,
		}}},
	}})
	if truthy(boundary) {
		role.set("PermissionsBoundary", boundary)
	}
	return role
}

func (x *translator) stateMachineAPIEvent(id, eid string, ep map[string]any, t stateMachineTarget, boundary any) ([]resource, *samError) {
	if ep["Path"] == nil || ep["Method"] == nil || ep["RestApiId"] == nil {
		missing := "Path"
		if ep["Path"] != nil {
			missing = "Method"
		}
		if ep["Path"] != nil && ep["Method"] != nil {
			missing = "RestApiId"
		}
		return nil, eventError(id, eid, fmt.Sprintf("Missing required property '%s'.", missing))
	}
	path, _ := ep["Path"].(string)
	method, _ := ep["Method"].(string)
	apiID, isStr := restAPIIDString(ep["RestApiId"]).(string)
	var api map[string]any
	if isStr {
		ar, ok := x.res[apiID].(map[string]any)
		if !ok {
			return nil, eventError(id, eid, "RestApiId property of Api event must reference a valid resource in the same template.")
		}
		api = props(ar)
		if s, ok := api["StageName"].(string); ok && s == "" {
			return nil, resourceError(apiID, "StageName cannot be empty.")
		}
	}
	role := startExecutionRole(id+eid, "apigateway.amazonaws.com", t, boundary)
	if api == nil || api[manageSwagger] == nil {
		return []resource{role}, nil
	}
	body, _ := api["DefinitionBody"].(map[string]any)
	if body == nil {
		return []resource{role}, nil
	}
	if hasIntegration(body, path, method) {
		return nil, bareEventError(id, eid, fmt.Sprintf("API method \"%s\" defined multiple times for path \"%s\".", normalizeMethod(method), path))
	}
	addStateMachineIntegration(body, path, method, getAtt(role.id, "Arn"), requestTemplate(t.id, ep["UnescapeMappingTemplate"] == true), t.cond)
	if auth, ok := ep["Auth"].(map[string]any); ok && len(auth) > 0 {
		apiAuth, _ := x.resolveParams(api["Auth"]).(map[string]any)
		if err := x.addAuthToMethod(id, eid, body, api, apiAuth, auth, path, method, ep["Stage"]); err != nil {
			// The translator raises these from the event itself, unwrapped.
			err.msg = strings.TrimPrefix(err.msg, "Resource with id ["+id+"] is invalid. ")
			return nil, err
		}
	}
	return []resource{role}, nil
}

// requestTemplate passes the request body as the execution input, as the
// translator's _generate_request_template(_unescaped) writes it.
func requestTemplate(machine string, unescape bool) map[string]any {
	// Python's json.dumps of {"input": ..., "stateMachineArn": ...}: insertion
	// order, ", " and ": " separators.
	s := `{"input": ` + pyJSON("$util.escapeJavaScript($input.json('$'))") + `, "stateMachineArn": "${` + machine + `}"}`
	if unescape {
		// Not JSON-encoded: the quotes of replaceAll stay bare.
		s = `{"input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\'","'")", "stateMachineArn": "${` + machine + `}"}`
	}
	return map[string]any{"application/json": fnSub(s, nil)}
}

// addStateMachineIntegration is SwaggerEditor.add_state_machine_integration:
// an "aws" integration calling StartExecution with the event's role.
func addStateMachineIntegration(body map[string]any, path, method string, credentials any, templates map[string]any, cond string) {
	m := normalizeMethod(method)
	paths := body["paths"].(map[string]any)
	if _, has := paths[path]; !has {
		paths[path] = map[string]any{}
	}
	var uri any = fnSub("arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution", nil)
	if cond != "" {
		uri = makeConditional(cond, uri)
	}
	for _, pi := range conditionalContents(paths[path]) {
		pm, ok := pi.(map[string]any)
		if !ok {
			continue
		}
		md, _ := pm[m].(map[string]any)
		if md == nil {
			md = map[string]any{}
		}
		md[integrationKey] = map[string]any{
			"type": "aws", "httpMethod": "POST", "uri": uri, "credentials": credentials,
			"responses": map[string]any{
				"200": map[string]any{"statusCode": "200"},
				"400": map[string]any{"statusCode": "400"},
			},
			"requestTemplates": templates,
		}
		if _, has := md["responses"]; !has {
			md["responses"] = map[string]any{
				"200": map[string]any{"description": "OK"},
				"400": map[string]any{"description": "Bad Request"},
			}
		}
		pm[m] = md
		if cond != "" {
			pm[m] = makeConditional(cond, md)
		}
	}
}

func (x *translator) stateMachineSchedule(id, eid string, ep map[string]any, t stateMachineTarget, boundary any) ([]resource, *samError) {
	logical := id + eid
	if ep["Schedule"] == nil {
		return nil, resourceError(id+eid, "Missing required property 'Schedule'.")
	}
	rule := newResource(logical, "AWS::Events::Rule", t.attrs)
	rule.set("ScheduleExpression", ep["Schedule"])
	if truthy(ep["State"]) && ep["Enabled"] != nil {
		return nil, bareEventError(id, eid, "State and Enabled Properties cannot both be specified.")
	}
	if truthy(ep["State"]) {
		rule.set("State", ep["State"])
	}
	if en, ok := ep["Enabled"].(bool); ok {
		rule.set("State", map[bool]string{true: "ENABLED", false: "DISABLED"}[en])
	}
	rule.set("Name", ep["Name"])
	rule.set("Description", ep["Description"])
	out := []resource{rule}
	roleArn := ep["RoleArn"]
	if roleArn == nil {
		role := startExecutionRole(logical, "events.amazonaws.com", t, boundary)
		out = append(out, role)
		roleArn = getAtt(role.id, "Arn")
	}
	target, dlq, msg := ruleTarget(logical, "StepFunctionsTarget", ep, t.ref, t.attrs)
	if msg != "" {
		return nil, bareEventError(id, logical, msg)
	}
	target["RoleArn"] = roleArn
	rule.set("Targets", []any{target})
	return append(out, dlq...), nil
}

func (x *translator) stateMachineRule(id, eid string, ep map[string]any, t stateMachineTarget, boundary any) ([]resource, *samError) {
	logical := id + eid
	rule := newResource(logical, "AWS::Events::Rule", t.attrs)
	rule.set("EventBusName", ep["EventBusName"])
	rule.set("EventPattern", ep["Pattern"])
	rule.set("Name", ep["RuleName"])
	if truthy(ep["State"]) {
		rule.set("State", ep["State"])
	}
	role := startExecutionRole(logical, "events.amazonaws.com", t, boundary)
	target, dlq, msg := ruleTarget(logical, "StepFunctionsTarget", ep, t.ref, t.attrs)
	if msg != "" {
		return nil, bareEventError(id, logical, msg)
	}
	target["RoleArn"] = getAtt(role.id, "Arn")
	for _, k := range []string{"InputPath", "InputTransformer"} {
		if v, has := ep[k]; has && v != nil {
			target[k] = v
		}
	}
	rule.set("Targets", []any{target})
	return append([]resource{rule, role}, dlq...), nil
}

// ruleTarget builds an Events rule's target on the machine (Id
// {Id}{Event}StepFunctionsTarget, cut to 64 characters), with its Input,
// RetryPolicy and DeadLetterConfig (an SQS queue {rule}Queue and its policy
// when Type: SQS).
func ruleTarget(logical, suffix string, ep map[string]any, arn any, attrs map[string]any) (map[string]any, []resource, string) {
	tid := validTargetID(logical, suffix)
	if tm, ok := ep["Target"].(map[string]any); ok && tm["Id"] != nil {
		tid = pyStr(tm["Id"])
	}
	target := map[string]any{"Arn": arn, "Id": tid}
	if v := ep["Input"]; v != nil {
		target["Input"] = v
	}
	var extra []resource
	if dl, has := ep["DeadLetterConfig"]; has && dl != nil {
		cfg, _ := dl.(map[string]any)
		qarn, rs, msg := deadLetterQueue(logical, cfg, attrs)
		if msg != "" {
			return nil, nil, msg
		}
		target["DeadLetterConfig"] = map[string]any{"Arn": qarn}
		extra = rs
	}
	if v := ep["RetryPolicy"]; v != nil {
		target["RetryPolicy"] = v
	}
	return target, extra, ""
}

func validTargetID(logical, suffix string) string {
	const max = 64
	if len(logical)+len(suffix) <= max {
		return logical + suffix
	}
	return logical[:max-len(suffix)] + suffix
}

// deadLetterQueue is EventBridgeRuleUtils' DLQ handling: a given Arn, or a
// new queue that only this rule may send to. A bad configuration returns
// the translator's message, which it reports under the rule's logical ID.
func deadLetterQueue(rule string, cfg, attrs map[string]any) (any, []resource, string) {
	_, hasArn := cfg["Arn"]
	_, hasType := cfg["Type"]
	switch {
	case hasArn && hasType:
		return nil, nil, "You can either define 'Arn' or 'Type' property of DeadLetterConfig."
	case hasType && cfg["Type"] != "SQS":
		return nil, nil, "The only valid value for 'Type' property of DeadLetterConfig is 'SQS'."
	case !hasArn && !hasType:
		return nil, nil, "No 'Arn' or 'Type' property provided for DeadLetterConfig."
	case hasArn:
		return cfg["Arn"], nil, ""
	}
	qid := rule + "Queue"
	if v, has := cfg["QueueLogicalId"]; has && v != nil {
		s, ok := v.(string)
		if !ok {
			return nil, nil, "QueueLogicalId must be a string"
		}
		qid = s
	}
	queue := newResource(qid, "AWS::SQS::Queue", attrs)
	arn := getAtt(qid, "Arn")
	policy := newResource(rule+"QueuePolicy", "AWS::SQS::QueuePolicy", attrs)
	policy.set("PolicyDocument", map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": "sqs:SendMessage", "Effect": "Allow",
			"Principal": map[string]any{"Service": "events.amazonaws.com"},
			"Resource":  arn,
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": getAtt(rule, "Arn")}},
		}},
	})
	policy.set("Queues", []any{ref(qid)})
	return arn, []resource{queue, policy}, ""
}
