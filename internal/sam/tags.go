package sam

import "maps"

// PropagateTags, as the translator's propagate_tags does it: a SAM resource
// with PropagateTags: true and Tags gives those tags (and only those: its
// own lambda:createdBy or stateMachine:createdBy tag is replaced) to every
// resource generated from it whose type takes a Tags list; a function or
// state machine also tags the implicit API its Api events create.

// taggedTypes are the generated types whose translator model has Tags.
var taggedTypes = map[string]bool{
	"AWS::Lambda::Function": true, "AWS::IAM::Role": true, "AWS::StepFunctions::StateMachine": true,
	"AWS::ApiGateway::RestApi": true, "AWS::ApiGateway::Stage": true, "AWS::ApiGateway::DomainName": true,
	"AWS::ApiGateway::UsagePlan": true, "AWS::ApiGateway::ApiKey": true, "AWS::SQS::Queue": true,
	"AWS::SNS::Topic": true, "AWS::DynamoDB::Table": true, "AWS::S3::Bucket": true,
}

// propagatingTypes are the SAM types whose PropagateTags this applies.
var propagatingTypes = map[string]bool{typeFunction: true, typeStateMachine: true, typeAPI: true}

func propagateTags(r map[string]any, out []resource) {
	p, _ := r["Properties"].(map[string]any)
	tags, _ := p["Tags"].(map[string]any)
	if !propagatingTypes[pyStr(r["Type"])] || p["PropagateTags"] != true || len(tags) == 0 {
		return
	}
	for _, g := range out {
		if taggedTypes[g.typ] {
			g.props["Tags"] = tagList(tags)
		}
	}
}

// tagImplicitAPI merges the tags of r (or of its Globals section) into the
// implicit API when r propagates them.
func (x *translator) tagImplicitAPI(r map[string]any) {
	api, _ := x.res[implicitAPI].(map[string]any)
	p, _ := r["Properties"].(map[string]any)
	g := x.globals[pyStr(r["Type"])]
	propagate, tags := p["PropagateTags"], p["Tags"]
	if !truthy(propagate) {
		propagate = g["PropagateTags"]
	}
	if !truthy(tags) {
		tags = g["Tags"]
	}
	tm, _ := tags.(map[string]any)
	if api == nil || len(tm) == 0 || !truthy(propagate) {
		return
	}
	ap := props(api)
	merged, _ := ap["Tags"].(map[string]any)
	if merged == nil {
		merged = map[string]any{}
	}
	maps.Copy(merged, tm)
	ap["Tags"] = merged
	ap["PropagateTags"] = true
}
